import { randomBytes } from 'node:crypto';
import { loadConfig, type AppConfig } from '@carts/config';
import { encodeEvent, topicNames, type EventEnvelope } from '@carts/contracts';
import { appendRawRecords, createKafka, LogAdmin, provisionTopics, type Kafka } from '@carts/event-log';
import { dropDatabase, dropRoles, ensureDatabase, parseDatabaseUrl, provisionRoles, readModelRoleNames, roleUrl, type ReadModelRoles } from '@carts/infra';
import { createDataSource, migrate, projectionStatuses, PROJECTIONS } from '@carts/read-model';
import type { DataSource } from 'typeorm';
import { assertTestDatabase } from './test-infra';
import { waitFor } from './wait-for';

/**
 * A suite's own database and topic prefix inside the run's (which global set-up made): suites that
 * kill projectors, rebuild or compare whole read models cannot see each other's data, even when
 * Jest runs them in parallel workers. Pass `env` to every service and cartctl the suite starts.
 */
/** URLs of a database's own least-privilege roles (see docs/security.md). */
export interface RoleUrls {
  readonly names: ReadModelRoles;
  readonly owner: string;
  readonly writer: string;
  readonly reader: string;
}

export interface IsolatedEnvOptions {
  /** Its own owner, writer and reader roles (dropped by dispose); migrations applied by the owner. */
  readonly roles?: boolean;
  /**
   * A database URL on another server — one the suite owns and may stop, e.g. an embedded
   * PostgreSQL — whose database name contains "test": the suite's database is made there instead
   * of on the run's server.
   */
  readonly server?: string;
}

export interface IsolatedEnv {
  readonly name: string;
  /** Set with `roles: true`: give each service its own (env stays the superuser's, for tests' checks). */
  readonly roles?: RoleUrls;
  readonly env: Record<string, string>;
  readonly config: AppConfig;
  readonly topic: string;
  readonly kafka: Kafka;
  readonly ds: DataSource;
  readonly admin: LogAdmin;
  /** Records every projection's active generation (and any rebuild) has still to read. */
  lag(): Promise<number>;
  /** Waits for the point where every projection has read the whole log (lag 0). */
  caughtUp(timeoutMs?: number): Promise<void>;
  /** Appends well-formed events, keyed by cart id, as the write side would. */
  appendEvents(events: readonly EventEnvelope[]): Promise<void>;
  dispose(): Promise<void>;
}

/** Roles named after the database (roles are cluster-wide: parallel runs never share one), random passwords. */
export async function databaseRoles(adminUrl: string): Promise<RoleUrls> {
  const names = readModelRoleNames(parseDatabaseUrl(adminUrl).database);
  const passwords = { owner: randomBytes(12).toString('hex'), writer: randomBytes(12).toString('hex'), reader: randomBytes(12).toString('hex') };
  await provisionRoles(adminUrl, names, passwords);
  return { names, owner: roleUrl(adminUrl, names.owner, passwords.owner), writer: roleUrl(adminUrl, names.writer, passwords.writer), reader: roleUrl(adminUrl, names.reader, passwords.reader) };
}

export async function isolatedEnv(name: string, extra: Record<string, string> = {}, options: IsolatedEnvOptions = {}): Promise<IsolatedEnv> {
  const runUrl = assertTestDatabase(options.server ?? process.env.DATABASE_URL);
  const parsed = parseDatabaseUrl(runUrl);
  // A random part as well: another suite may pick the same name (it happened), and must not share our log.
  const unique = `${name.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(3).toString('hex')}`;
  const databaseUrl = parsed.on(`${parsed.database}_${unique}`);
  const env = { DATABASE_URL: databaseUrl, KAFKA_TOPIC_PREFIX: `${process.env.KAFKA_TOPIC_PREFIX ?? ''}${unique}.`, ...extra };
  const config = loadConfig({ ...process.env, ...env });
  await ensureDatabase(databaseUrl);
  const roles = options.roles ? await databaseRoles(databaseUrl) : undefined;
  await migrate(roles?.owner ?? databaseUrl);
  await provisionTopics(config.kafka);
  const ds = await createDataSource(databaseUrl, 4, `test-${name}`).initialize();
  const kafka = createKafka(config.kafka, `test-${name}`);
  const topic = topicNames(config.kafka.topicPrefix).events;
  const admin = new LogAdmin(kafka);
  const lag = async () => {
    const statuses = await projectionStatuses(ds, PROJECTIONS.map((p) => p.name), topic, await admin.endOffsets(topic));
    return statuses.reduce((sum, s) => sum + s.lag + (s.rebuild?.lag ?? 0) + (s.activeGeneration === null ? 1 : 0), 0);
  };
  return {
    name, env, roles, config, topic, kafka, ds, admin, lag,
    appendEvents: (events) => appendRawRecords(kafka, topic, events.map((e) => ({ key: e.cartId, value: encodeEvent(e) }))),
    async caughtUp(timeoutMs = 60_000) {
      await waitFor(lag, (n) => n === 0, { timeoutMs, intervalMs: 200, what: `${name}: every projection caught up with the log` });
    },
    async dispose() {
      await admin.close().catch(() => undefined);
      await ds.destroy().catch(() => undefined);
      if (process.env.KEEP_TEST_DATABASE) return;
      await dropDatabase(databaseUrl).catch(() => undefined);
      if (roles) await dropRoles(databaseUrl, roles.names).catch(() => undefined);
    },
  };
}
