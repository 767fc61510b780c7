import { loadConfig, type AppConfig } from '@carts/config';
import { topicNames, type TopicNames } from '@carts/contracts';
import { createKafka, provisionTopics, type Kafka } from '@carts/event-log';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devAuthEnv, dropDatabase, ensureDatabase, ensureDevSigningKey, ensureKafkaBroker, parseDatabaseUrl, resolveDatabase } from '@carts/infra';
import { migrate } from '@carts/read-model';
import { useSigningKey } from './carts-api';

/**
 * One bench run's infrastructure: the project's broker (an existing one on 9092 is reused and left
 * running), PostgreSQL (DATABASE_URL, else the local server, else an embedded one), and this run's
 * own topic prefix and database, both removed by `dispose`.
 */
export interface BenchEnv {
  readonly run: string;
  /** What every service process and cartctl of this run gets in its environment. */
  readonly env: Record<string, string>;
  readonly config: AppConfig;
  readonly kafka: Kafka;
  readonly topics: TopicNames;
  readonly databaseUrl: string;
  readonly brokerStartedHere: boolean;
  dispose(): Promise<void>;
}

const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);

export async function createBenchEnv(): Promise<BenchEnv> {
  const run = `bench${Date.now()}`;
  const stops: Array<() => Promise<void>> = [];
  let brokers = process.env.KAFKA_BROKERS?.trim();
  let brokerStartedHere = false;
  if (!brokers) {
    const broker = await ensureKafkaBroker({ port: 9092, log: (l) => log(`kafka: ${l}`) });
    brokerStartedHere = broker.startedHere;
    stops.push(() => broker.stop());
    brokers = broker.brokers.join(',');
  }
  const server = await resolveDatabase(process.env, (l) => log(`postgres: ${l}`));
  if (server.embedded) stops.push(() => server.embedded!.stop());
  const databaseUrl = parseDatabaseUrl(server.url).on(`carts_${run}`);
  await ensureDatabase(databaseUrl);
  await migrate(databaseUrl);
  // The run's own token key: the services verify bearer tokens as in production (default rate
  // limits too: the bench's 5,000 customers each stay far below them).
  const keyDir = mkdtempSync(join(tmpdir(), `carts-bench-auth-`));
  stops.push(async () => rmSync(keyDir, { recursive: true, force: true }));
  const keys = ensureDevSigningKey(keyDir);
  useSigningKey(keys.privateKeyFile);
  const env = { KAFKA_BROKERS: brokers, KAFKA_TOPIC_PREFIX: `${run}.`, DATABASE_URL: databaseUrl, CART_PARTITIONS: '6', LOG_LEVEL: 'log', HTTP_ACCESS_LOG: 'false', ...devAuthEnv(keys) };
  const config = loadConfig({ ...process.env, ...env });
  await provisionTopics(config.kafka);
  const kafka = createKafka(config.kafka, run);
  log(`run ${run}: kafka ${brokers}${brokerStartedHere ? ' (started here)' : ' (reused)'}, database carts_${run}`);
  return {
    run, env, config, kafka, topics: topicNames(config.kafka.topicPrefix), databaseUrl, brokerStartedHere,
    dispose: async () => {
      await deleteRunTopicsAndGroups(kafka, `${run}.`).catch((e) => log(`could not delete topics/groups: ${e}`));
      await dropDatabase(databaseUrl).catch((e) => log(`could not drop the database: ${e}`));
      for (const stop of stops.reverse()) await stop().catch((e) => log(`stop failed: ${e}`));
    },
  };
}

async function deleteRunTopicsAndGroups(kafka: Kafka, prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}
