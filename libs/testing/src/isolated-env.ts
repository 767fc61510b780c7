import { loadConfig, type AppConfig } from '@carts/config';
import { encodeEvent, topicNames, type EventEnvelope } from '@carts/contracts';
import { appendRawRecords, createKafka, provisionTopics, type Kafka } from '@carts/event-log';
import { dropDatabase, ensureDatabase, parseDatabaseUrl } from '@carts/infra';
import { createDataSource, migrate } from '@carts/read-model';
import type { DataSource } from 'typeorm';
import { assertTestDatabase } from './test-infra';

/**
 * A suite's own database and topic prefix inside the run's (which global set-up made): suites that
 * kill projectors, rebuild or compare whole read models cannot see each other's data, even when
 * Jest runs them in parallel workers. Pass `env` to every service and cartctl the suite starts.
 */
export interface IsolatedEnv {
  readonly name: string;
  readonly env: Record<string, string>;
  readonly config: AppConfig;
  readonly topic: string;
  readonly kafka: Kafka;
  readonly ds: DataSource;
  /** Appends well-formed events, keyed by cart id, as the write side would. */
  appendEvents(events: readonly EventEnvelope[]): Promise<void>;
  dispose(): Promise<void>;
}

export async function isolatedEnv(name: string, extra: Record<string, string> = {}): Promise<IsolatedEnv> {
  const runUrl = assertTestDatabase(process.env.DATABASE_URL);
  const parsed = parseDatabaseUrl(runUrl);
  const databaseUrl = parsed.on(`${parsed.database}_${name.replace(/[^a-z0-9]/gi, '_').toLowerCase()}`);
  const env = { DATABASE_URL: databaseUrl, KAFKA_TOPIC_PREFIX: `${process.env.KAFKA_TOPIC_PREFIX ?? ''}${name}.`, ...extra };
  const config = loadConfig({ ...process.env, ...env });
  await ensureDatabase(databaseUrl);
  await migrate(databaseUrl);
  await provisionTopics(config.kafka);
  const ds = await createDataSource(databaseUrl, 4, `test-${name}`).initialize();
  const kafka = createKafka(config.kafka, `test-${name}`);
  const topic = topicNames(config.kafka.topicPrefix).events;
  return {
    name, env, config, topic, kafka, ds,
    appendEvents: (events) => appendRawRecords(kafka, topic, events.map((e) => ({ key: e.cartId, value: encodeEvent(e) }))),
    async dispose() {
      await ds.destroy().catch(() => undefined);
      if (!process.env.KEEP_TEST_DATABASE) await dropDatabase(databaseUrl).catch(() => undefined);
    },
  };
}
