import 'reflect-metadata';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { loadConfigOrExit } from '@carts/config';
import { createHttpApp, listen } from '@carts/http';
import { migrateAtStartup } from '@carts/read-model';
import { ensureDatabase } from '@carts/infra';
import { queryServiceModule } from './query-service.module';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit(process.env, { auth: true });
  // The owner (DATABASE_OWNER_URL) applies migrations; this service's own role only reads rows.
  await ensureDatabase(config.database.ownerUrl ?? config.database.url);
  await migrateAtStartup(config.database, { log: (line) => console.warn(`query-service: ${line}`) });
  const app = await createHttpApp(queryServiceModule(config), { service: 'query-service', logLevel: config.logLevel, accessLog: config.http.accessLog, tracing: config.tracing });
  SwaggerModule.setup('docs', app, SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('Cart query service').setVersion('1').addBearerAuth().addSecurityRequirements('bearer').build()));
  await listen(app, config.http.queryPort, config.http.host, 'QueryService');
}

bootstrap().catch((error) => {
  console.error(`query-service failed to start: ${error?.message ?? error}`);
  process.exit(1);
});
