import { Client } from 'pg';
import { InfraError } from './infra-error';

const MAINTENANCE_DATABASES = ['postgres', 'template1'];

/** The database a URL names, and the same URL pointed at another database on that server. */
export function parseDatabaseUrl(url: string): { database: string; on(database: string): string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InfraError('INVALID_DATABASE_URL', 'Not a URL: expected postgres://user@host:port/database');
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!/^postgres(ql)?:$/.test(parsed.protocol) || database === '') {
    throw new InfraError('INVALID_DATABASE_URL', `Expected postgres://user@host:port/database, got ${redact(parsed)}`);
  }
  const on = (other: string): string => {
    const copy = new URL(parsed.href);
    copy.pathname = `/${encodeURIComponent(other)}`;
    return copy.href;
  };
  return { database, on };
}

/** The URL with its password masked: the only form in which a database URL may be printed. */
export function redactDatabaseUrl(url: string): string {
  try {
    return redact(new URL(url));
  } catch {
    return '(an invalid URL)';
  }
}

function redact(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password) copy.password = '***';
  return copy.href;
}

const codeOf = (error: unknown): string | undefined => (error as { code?: string } | null)?.code;

/**
 * True when a server answers at the URL with these credentials. A missing database still
 * counts (3D000): the server is there, and ensureDatabase is what creates the database.
 */
export async function isPostgresReachable(url: string, timeoutMs = 2000): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch (error) {
    return codeOf(error) === '3D000';
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs work on the server's maintenance database (`postgres`, else `template1`). */
async function onMaintenanceDatabase<T>(
  url: string,
  work: (client: Client) => Promise<T>,
  [name, ...fallbacks] = MAINTENANCE_DATABASES,
): Promise<T> {
  const client = new Client({ connectionString: parseDatabaseUrl(url).on(name), connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await work(client);
  } catch (error) {
    if (fallbacks.length > 0 && codeOf(error) === '3D000') return onMaintenanceDatabase(url, work, fallbacks);
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates the URL's database if it is missing; safe when several processes race to do it. */
export async function ensureDatabase(url: string): Promise<void> {
  const { database } = parseDatabaseUrl(url);
  // A service's own role may not reach the maintenance database (a hardened server revokes
  // CONNECT from PUBLIC there): a database it can connect to exists, and needs nothing more.
  if (await connects(url)) return;
  await onMaintenanceDatabase(url, async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount) return;
    try {
      await client.query(`create database ${client.escapeIdentifier(database)}`);
    } catch (error) {
      // 42P04 duplicate_database; 23505 when two creates race past the catalog check together.
      if (!['42P04', '23505'].includes(codeOf(error) ?? '')) throw error;
    }
  });
}

async function connects(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Drops the URL's database, disconnecting whoever still uses it (PostgreSQL 13+). */
export async function dropDatabase(url: string): Promise<void> {
  const { database } = parseDatabaseUrl(url);
  await onMaintenanceDatabase(url, (client) =>
    client.query(`drop database if exists ${client.escapeIdentifier(database)} with (force)`),
  );
}
