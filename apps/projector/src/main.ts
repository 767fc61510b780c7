import 'reflect-metadata';
import { loadConfigOrExit } from '@carts/config';
import { provisionTopics, routeKafkaLogs } from '@carts/event-log';
import { bootLogger, createHttpApp, kafkaLogsInto, listen } from '@carts/http';
import { migrateAtStartup } from '@carts/read-model';
import { ensureDatabase } from '@carts/infra';
import { projectorModule } from './projector.module';
import { ProjectionSupervisor } from './projection-supervisor';

/**
 * A hybrid Nest app: HTTP for health, and the projection supervisor as a custom transport
 * strategy, so Nest owns its start and its shutdown (SIGTERM) while the Kafka clients stay ours.
 */
// Every line of this process is JSON on stdout (LOG_FORMAT=pretty for a person): Nest's, kafkajs', ours.
const log = bootLogger('projector');
routeKafkaLogs(kafkaLogsInto(log));

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit(process.env, {}, (message) => log.fatal(message));
  // The owner (DATABASE_OWNER_URL) applies migrations; this service's own role only reads or writes rows.
  await ensureDatabase(config.database.ownerUrl ?? config.database.url);
  await migrateAtStartup(config.database, { log: (line) => log.warn({ context: 'Migrations' }, line) });
  (await provisionTopics(config.kafka)).warnings.forEach((w) => log.warn({ context: 'Topics' }, w));
  const app = await createHttpApp(projectorModule(config), { service: 'projector', logLevel: config.logLevel, accessLog: config.http.accessLog, logger: log, tracing: config.tracing });
  app.connectMicroservice({ strategy: app.get(ProjectionSupervisor) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await listen(app, config.http.projectorPort, config.http.host, 'Projector');
}

bootstrap().catch((error) => {
  log.fatal({ err: error }, `projector failed to start: ${error?.message ?? error}`);
  process.exit(1);
});
