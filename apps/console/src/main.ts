import 'reflect-metadata';
import { loadConfigOrExit } from '@carts/config';
import { createHttpApp, listen } from '@carts/http';
import { ensureDatabase } from '@carts/infra';
import { migrateAtStartup } from '@carts/read-model';
import { consoleModule } from './console.module';
import { servePage } from './page';

/**
 * The operator console: a page at /console/ and the API behind it. An app of its own, not a part
 * of the query service: it acts (rebuilds, retries, skips) with the operator's rights — the
 * read-model writer and owner roles, a Kafka reader — which the read-only query service must not hold.
 */
async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit(process.env, { auth: true });
  await ensureDatabase(config.database.ownerUrl ?? config.database.url);
  await migrateAtStartup(config.database, { log: (line) => console.warn(`console: ${line}`) });
  const app = await createHttpApp(consoleModule(config), { service: 'console', logLevel: config.logLevel, accessLog: config.http.accessLog });
  await servePage(app);
  await listen(app, config.http.consolePort, config.http.host, 'Console');
}

bootstrap().catch((error) => {
  console.error(`console failed to start: ${error?.message ?? error}`);
  process.exit(1);
});
