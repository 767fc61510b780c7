import { dropDatabase } from '@carts/infra';
import { createKafka } from '@carts/event-log';
import { loadConfig } from '@carts/config';
import { TEST_STATE, type TestInfra } from './test-infra';

/** Removes this run's topics and database, then stops whatever global set-up started. */
export default async function globalTeardown(): Promise<void> {
  const infra = (globalThis as Record<symbol, unknown>)[TEST_STATE] as TestInfra | undefined;
  if (!infra) return;
  try {
    const admin = createKafka(loadConfig().kafka, 'test-teardown').admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${infra.run}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.disconnect();
  } catch (error) {
    process.stderr.write(`[test-infra] could not delete topics: ${error}\n`);
  }
  if (infra.databaseUrl && !process.env.KEEP_TEST_DATABASE) await dropDatabase(infra.databaseUrl).catch(() => undefined);
  for (const stop of infra.stops.reverse()) await stop();
}
