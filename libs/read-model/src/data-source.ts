import { DataSource } from 'typeorm';
import { InitialSchema1764050000000 } from './migrations/1764050000000-initial-schema';
import { ReadSideModels1764060000000 } from './migrations/1764060000000-read-side-models';
import { LogIdentityAndHealth1764070000000 } from './migrations/1764070000000-log-identity-and-health';
import { CustomerCartsCreatedAt1764100000000 } from './migrations/1764100000000-customer-carts-created-at';
import { CustomerCartsPricedLines1764200000000 } from './migrations/1764200000000-customer-carts-priced-lines';
import { GenerationDdlFunctions1764300000000 } from './migrations/1764300000000-generation-ddl-functions';
import { TopProductsIndexes1764400000000 } from './migrations/1764400000000-top-products-indexes';

export const READ_MODEL_MIGRATIONS = [
  InitialSchema1764050000000, ReadSideModels1764060000000, LogIdentityAndHealth1764070000000, CustomerCartsCreatedAt1764100000000,
  CustomerCartsPricedLines1764200000000,
  GenerationDdlFunctions1764300000000,
  TopProductsIndexes1764400000000,
];

/**
 * How long a pool's work may take when the server is slow or gone. Without them a stopped server
 * is noticed only when the OS gives up on a connection (minutes for a silent host), and a request
 * waits as long: a query service then answers nothing at all instead of a quick 503.
 */
export interface PoolTimeouts {
  /** A new connection: the pool gives up after this (pg `connectionTimeoutMillis`). */
  readonly connectTimeoutMs: number;
  /** Server-side `statement_timeout` (lock waits included); the statement fails with 57014. */
  readonly statementTimeoutMs?: number;
  /** Server-side `idle_in_transaction_session_timeout`: a stuck client's open transaction ends and frees its locks. */
  readonly idleInTransactionTimeoutMs?: number;
}

/**
 * Schema changes only through migrations: `synchronize` stays off everywhere. No entities: every
 * read model is written and read with plain SQL next to its fold (projections/<name>/), so TypeORM
 * serves for the connection pool, the migrations and the transactions.
 */
export function createDataSource(url: string, poolSize = 10, applicationName = 'carts', timeouts?: PoolTimeouts): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    migrations: READ_MODEL_MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    extra: { max: poolSize, application_name: applicationName, ...(timeouts ? poolTimeoutOptions(timeouts) : {}) },
  });
}

/**
 * The pg Pool / Client options for `timeouts`. TCP keepalive probes from 10 s of silence, so a
 * connection to a host that vanished without closing it (a failover, a cut network) is found dead
 * after the OS's probes (Linux: 9 × 75 s, tunable with net.ipv4.tcp_keepalive_*) rather than after
 * the default two hours of silence first. Not pg's client-side `query_timeout`: it answers the
 * caller but leaves the statement running on the connection, which goes back to the pool busy.
 */
export function poolTimeoutOptions(timeouts: PoolTimeouts): Record<string, number | boolean> {
  return {
    connectionTimeoutMillis: timeouts.connectTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    ...(timeouts.statementTimeoutMs ? { statement_timeout: timeouts.statementTimeoutMs } : {}),
    ...(timeouts.idleInTransactionTimeoutMs ? { idle_in_transaction_session_timeout: timeouts.idleInTransactionTimeoutMs } : {}),
  };
}

export interface PoolUsage {
  /** Connections open (idle + in use). */
  readonly total: number;
  readonly idle: number;
  /** Queries queued for a connection: the pool is exhausted. */
  readonly waiting: number;
}

/** The pg Pool behind TypeORM's postgres driver (`driver.master`), read as it is now; null before the pool exists. */
export function poolUsage(ds: DataSource): PoolUsage | null {
  const pool = (ds.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }).master;
  return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : null;
}

/** Applies pending migrations; safe to call from several processes at once (it holds an advisory lock). */
export async function migrate(url: string): Promise<string[]> {
  const dataSource = createDataSource(url, 2, 'carts-migrate');
  await dataSource.initialize();
  // TypeORM takes no lock of its own: services starting together would race to apply the same migration.
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    await lock.query(KEEP_MIGRATIONS_TABLE_TO_OWNER);
    return applied.map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
    await dataSource.destroy();
  }
}

const MIGRATION_LOCK_KEY = 4_242_001;

/**
 * The owner's default privileges give the writer rows on every table, TypeORM's `migrations` too;
 * only the migrator may change which migrations count as applied (docs/security.md).
 */
const KEEP_MIGRATIONS_TABLE_TO_OWNER = `DO $$ DECLARE r text; BEGIN
  FOR r IN SELECT DISTINCT grantee FROM information_schema.table_privileges WHERE table_schema = 'public' AND table_name = 'migrations'
             AND privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') AND grantee NOT IN (current_user, 'PUBLIC') LOOP
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON public.migrations FROM %I', r);
  END LOOP; END $$`;
