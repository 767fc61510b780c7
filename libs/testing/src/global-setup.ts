import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devAuthEnv, ensureDevSigningKey, ensureKafkaBroker, ensureDatabase, isPostgresReachable, parseDatabaseUrl, startEmbeddedPostgres, DEFAULT_DATABASE_URL } from '@carts/infra';
import { migrate } from '@carts/read-model';
import { TEST_STATE, type TestInfra } from './test-infra';

/**
 * Starts (or reuses) the same infrastructure `npm start` uses, then isolates this run: its own
 * topic prefix and its own database, so runs on a shared broker cannot see each other's data.
 */
export default async function globalSetup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`[test-infra] ${line}\n`);
  const run = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const infra: TestInfra = { run, stops: [] };

  const external = process.env.KAFKA_BROKERS?.trim();
  if (!external) {
    const broker = await ensureKafkaBroker({ port: 9092, log });
    infra.stops.push(() => broker.stop());
    process.env.KAFKA_BROKERS = broker.brokers.join(',');
  }

  let server = process.env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
  if (!process.env.DATABASE_URL && !(await isPostgresReachable(server))) {
    const embedded = await startEmbeddedPostgres({ log });
    infra.stops.push(() => embedded.stop());
    server = embedded.url;
  }
  const database = `carts_test_${run}`;
  const url = parseDatabaseUrl(server).on(database);
  await ensureDatabase(url);
  await migrate(url);
  infra.databaseUrl = url;

  process.env.DATABASE_URL = url;
  process.env.KAFKA_TOPIC_PREFIX = `${run}.`;
  process.env.CART_PARTITIONS = process.env.CART_PARTITIONS ?? '6';
  process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'warn';
  // The run's own token signing key: every service a test starts verifies tokens made with it
  // (libs/testing/src/tokens.ts), as the local stack's services do with `.local/auth`.
  const keyDir = mkdtempSync(join(tmpdir(), `carts-test-auth-${run}-`));
  infra.stops.push(async () => rmSync(keyDir, { recursive: true, force: true }));
  const keys = ensureDevSigningKey(keyDir);
  Object.assign(process.env, devAuthEnv(keys), { TEST_AUTH_SIGNING_KEY_FILE: keys.privateKeyFile });
  (globalThis as Record<symbol, unknown>)[TEST_STATE] = infra;
  log(`run ${run}: kafka ${process.env.KAFKA_BROKERS}, database ${database}`);
}
