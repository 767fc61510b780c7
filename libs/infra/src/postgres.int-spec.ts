import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { findFreePorts } from './free-port';
import { isPortOpen } from './processes';
import {
  dropDatabase,
  ensureDatabase,
  isPostgresReachable,
  parseDatabaseUrl,
  resolveDatabase,
  startEmbeddedPostgres,
} from './postgres';

// initdb plus a first start takes several seconds on a busy 2-core machine.
const TIMEOUT_MS = 120_000;
const log = (line: string): void => void process.stdout.write(`[postgres-test] ${line}\n`);

async function queryOne(url: string, sql: string): Promise<unknown> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0];
  } finally {
    await client.end();
  }
}

async function databaseExists(url: string): Promise<boolean> {
  const { database, on } = parseDatabaseUrl(url);
  const client = new Client({ connectionString: on('postgres') });
  await client.connect();
  try {
    return (await client.query('select 1 from pg_database where datname = $1', [database])).rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('startEmbeddedPostgres', () => {
  let port: number;
  let root: string;

  beforeAll(async () => {
    // 54339 unless a concurrent run of this suite holds it.
    port = await findFreePorts(54339);
    root = mkdtempSync(join(tmpdir(), 'embedded-pg-it-'));
    // mkdtemp makes 0700 directories; as root, the server runs as the `postgres` OS user.
    chmodSync(root, 0o755);
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('initialises, serves a new database, and stops leaving the port closed', async () => {
    const server = await startEmbeddedPostgres({ port: port, dataDir: join(root, 'pg'), log });
    try {
      expect(server.url).toBe(`postgres://postgres@127.0.0.1:${port}/postgres`);
      const url = parseDatabaseUrl(server.url).on('infra_embedded_test');
      await ensureDatabase(url);
      await ensureDatabase(url); // idempotent
      expect(await queryOne(url, 'select 1 as one')).toEqual({ one: 1 });
    } finally {
      await server.stop();
    }
    expect(await isPortOpen(port)).toBe(false);
  }, TIMEOUT_MS);

  it('restarts on the initialised data directory with its databases intact', async () => {
    const server = await startEmbeddedPostgres({ port: port, dataDir: join(root, 'pg'), log });
    try {
      expect(await databaseExists(parseDatabaseUrl(server.url).on('infra_embedded_test'))).toBe(true);
    } finally {
      await server.stop();
    }
    expect(await isPostgresReachable(`postgres://postgres@127.0.0.1:${port}/postgres`, 500)).toBe(false);
  }, TIMEOUT_MS);
});

describe('ensureDatabase / dropDatabase on the local server (127.0.0.1:5432)', () => {
  const url = `postgres://postgres@127.0.0.1:5432/infra_test_${randomBytes(4).toString('hex')}`;

  afterAll(() => dropDatabase(url));

  it('creates a missing database once, even when several callers race', async () => {
    expect(await isPostgresReachable(url)).toBe(true); // a missing database still means reachable
    await Promise.all([ensureDatabase(url), ensureDatabase(url), ensureDatabase(url)]);
    expect(await databaseExists(url)).toBe(true);
    expect(await queryOne(url, 'select current_database() as name')).toEqual({ name: parseDatabaseUrl(url).database });
  }, TIMEOUT_MS);

  it('drops the database even while a client is still connected', async () => {
    const holder = new Client({ connectionString: url });
    holder.on('error', () => undefined); // the forced drop terminates this session
    await holder.connect();
    await dropDatabase(url);
    await holder.end().catch(() => undefined);
    expect(await databaseExists(url)).toBe(false);
    await dropDatabase(url); // dropping a missing database is a no-op
  }, TIMEOUT_MS);

  it('quotes awkward database names safely', async () => {
    const awkward = parseDatabaseUrl(url).on(`${parseDatabaseUrl(url).database}_"x"; drop`);
    try {
      await ensureDatabase(awkward);
      expect(await databaseExists(awkward)).toBe(true);
    } finally {
      await dropDatabase(awkward);
    }
    expect(await databaseExists(awkward)).toBe(false);
  }, TIMEOUT_MS);
});

describe('resolveDatabase', () => {
  it('uses DATABASE_URL when it is set, creating its database', async () => {
    const url = `postgres://postgres@127.0.0.1:5432/infra_test_${randomBytes(4).toString('hex')}`;
    try {
      await expect(resolveDatabase({ DATABASE_URL: url }, log)).resolves.toEqual({ url });
      expect(await databaseExists(url)).toBe(true);
    } finally {
      await dropDatabase(url);
    }
  }, TIMEOUT_MS);
});
