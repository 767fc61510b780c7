import 'reflect-metadata';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { loadConfigOrExit } from '@carts/config';
import { routeKafkaLogs } from '@carts/event-log';
import { bootLogger, createHttpApp, kafkaLogsInto, listen } from '@carts/http';
import { migrateAtStartup } from '@carts/read-model';
import { ensureDatabase } from '@carts/infra';
import { queryServiceModule } from './query-service.module';

// Every line of this process is JSON on stdout (LOG_FORMAT=pretty for a person): Nest's, kafkajs', ours.
const log = bootLogger('query-service');
routeKafkaLogs(kafkaLogsInto(log));

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit(process.env, { auth: true }, (message) => log.fatal(message));
  // The owner (DATABASE_OWNER_URL) applies migrations; this service's own role only reads rows.
  await ensureDatabase(config.database.ownerUrl ?? config.database.url);
  await migrateAtStartup(config.database, { log: (line) => log.warn({ context: 'Migrations' }, line) });
  const app = await createHttpApp(queryServiceModule(config), { service: 'query-service', logLevel: config.logLevel, accessLog: config.http.accessLog, logger: log, tracing: config.tracing });
  SwaggerModule.setup('docs', app, SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('Cart query service').setVersion('1').addBearerAuth().addSecurityRequirements('bearer').build()));
  await listen(app, config.http.queryPort, config.http.host, 'QueryService');
}

bootstrap().catch((error) => {
  log.fatal({ err: error }, `query-service failed to start: ${error?.message ?? error}`);
  process.exit(1);
});
