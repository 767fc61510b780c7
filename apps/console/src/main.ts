import 'reflect-metadata';
import { loadConfigOrExit } from '@carts/config';
import { routeKafkaLogs } from '@carts/event-log';
import { bootLogger, createHttpApp, kafkaLogsInto, listen } from '@carts/http';
import { ensureDatabase } from '@carts/infra';
import { migrateAtStartup } from '@carts/read-model';
import { consoleModule } from './console.module';
import { servePage } from './page';

/**
 * The operator console: a page at /console/ and the API behind it. An app of its own, not a part
 * of the query service: it acts (rebuilds, retries, skips) with the operator's rights — the
 * read-model writer and owner roles, a Kafka reader — which the read-only query service must not hold.
 */
// Every line of this process is JSON on stdout (LOG_FORMAT=pretty for a person): Nest's, kafkajs', ours.
const log = bootLogger('console');
routeKafkaLogs(kafkaLogsInto(log));

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit(process.env, { auth: true }, (message) => log.fatal(message));
  await ensureDatabase(config.database.ownerUrl ?? config.database.url);
  await migrateAtStartup(config.database, { log: (line) => log.warn({ context: 'Migrations' }, line) });
  const app = await createHttpApp(consoleModule(config), { service: 'console', logLevel: config.logLevel, accessLog: config.http.accessLog, logger: log, tracing: config.tracing });
  await servePage(app);
  await listen(app, config.http.consolePort, config.http.host, 'Console');
}

bootstrap().catch((error) => {
  log.fatal({ err: error }, `console failed to start: ${error?.message ?? error}`);
  process.exit(1);
});
