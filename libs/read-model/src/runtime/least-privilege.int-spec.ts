import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { encodeEvent, type EventEnvelope } from '@carts/contracts';
import type { LogRecord } from '@carts/event-log';
import { dropDatabase, dropRoles, ensureDatabase, parseDatabaseUrl } from '@carts/infra';
import { assertTestDatabase, databaseRoles, generateCartEvents, type RoleUrls } from '@carts/testing';
import { createDataSource, READ_MODEL_MIGRATIONS } from '../data-source';
import { projectionNamed } from '../projections/registry';
import { migrateAtStartup } from '../schema-at-startup';
import { ensureActiveGeneration } from './generations';
import { PostgresProjectionSink } from './postgres-projection-sink';
import { beginBlueGreen, beginInPlace, dropGenerationTablesOnline, trySwap } from './rebuild';

const TOPIC = 'roles-test.cart-events';
const events = generateCartEvents({ seed: 12, events: 400 });
const records = (batch: readonly EventEnvelope[]): LogRecord[] =>
  batch.map((e, offset) => ({ topic: TOPIC, partition: 0, offset: String(offset), key: e.cartId, value: encodeEvent(e), timestamp: String(Date.parse(e.occurredAt)) }));
const cartDetails = projectionNamed('cart-details');

/** The SQLSTATE a statement fails with as a role, or 'ok'. */
async function as(url: string, sql: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    await client.end();
  }
}

/** Issue 12: each part holds only the PostgreSQL rights it needs. */
describe('PostgreSQL roles: owner migrates, projector writes rows, query service only reads', () => {
  const admin = parseDatabaseUrl(assertTestDatabase()).on(`${parseDatabaseUrl(assertTestDatabase()).database}_roles_${randomBytes(3).toString('hex')}`);
  let roles: RoleUrls;
  let writer: DataSource;
  let reader: DataSource;

  beforeAll(async () => {
    await ensureDatabase(admin);
    roles = await databaseRoles(admin);
  });

  afterAll(async () => {
    await writer?.destroy().catch(() => undefined);
    await reader?.destroy().catch(() => undefined);
    await dropDatabase(admin).catch(() => undefined);
    if (roles) await dropRoles(admin, roles.names);
  });

  it('migrations at start-up: the query service waits, the owner applies them and owns every table', async () => {
    // Nobody with the owner's URL around: a role that may not migrate says what is missing.
    for (const url of [roles.reader, roles.writer]) {
      await expect(migrateAtStartup({ url }, { intervalMs: 50, timeoutMs: 200 })).rejects.toThrow(/are pending and role \S+ may not apply them.*DATABASE_OWNER_URL/);
    }
    const waiting = migrateAtStartup({ url: roles.reader }, { intervalMs: 100, timeoutMs: 60_000 });
    await expect(migrateAtStartup({ url: roles.writer, ownerUrl: roles.owner })).resolves.toEqual(READ_MODEL_MIGRATIONS.map((M) => new M().name));
    await expect(waiting).resolves.toEqual([]);
    const owners: { owner: string }[] = await query(admin,
      `SELECT DISTINCT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p', 'S')`);
    expect(owners).toEqual([{ owner: roles.names.owner }]);
    writer = await createDataSource(roles.writer, 2, 'test-roles-writer').initialize();
    reader = await createDataSource(roles.reader, 2, 'test-roles-reader').initialize();
  });

  it("the query service's role cannot INSERT, UPDATE, DELETE, TRUNCATE, CREATE or run the generation DDL (42501)", async () => {
    expect(await as(roles.reader, `SELECT count(*) FROM projection_generations`)).toBe('ok');
    for (const sql of [
      `INSERT INTO projection_generations (projection, generation, state) VALUES ('cart-details', 99, 'retired')`,
      `UPDATE projection_generations SET state = 'retired'`,
      `DELETE FROM dead_letters`,
      `TRUNCATE cart_details`,
      `CREATE TABLE sneaky (id int)`,
      `SELECT read_model_create_partition('cart_details', 99)`,
    ]) expect([sql, await as(roles.reader, sql)]).toEqual([sql, '42501']);
  });

  it("the projector's role cannot CREATE, ALTER or DROP, nor bend the generation functions to other tables (42501)", async () => {
    for (const sql of [
      `CREATE TABLE sneaky (id int)`,
      `CREATE TABLE cart_details_g99 PARTITION OF cart_details FOR VALUES IN (99)`,
      `ALTER TABLE cart_details ADD COLUMN sneaky int`,
      `CREATE INDEX sneaky ON dead_letters (projection)`,
      `DROP TABLE dead_letters`,
      `SELECT read_model_create_partition('dead_letters', 2)`,
      `SELECT read_model_drop_partition('projection_generations', 1)`,
      `DELETE FROM migrations`,
    ]) expect([sql, await as(roles.writer, sql)]).toEqual([sql, '42501']);
    expect(await as(roles.writer, `SELECT count(*) FROM migrations`)).toBe('ok');
  });

  it("a projection written with the projector's role is read by the query service's, and so is a blue/green rebuild's new generation", async () => {
    const active = await ensureActiveGeneration(writer, cartDetails);
    const sink = new PostgresProjectionSink(writer, cartDetails, active);
    await expect(sink.apply(TOPIC, 0, records(events), 0n, BigInt(events.length))).resolves.toMatchObject({ kind: 'applied' });
    const carts = await activeCarts(reader);
    expect(carts).toBeGreaterThan(0);

    const { building } = await beginBlueGreen(writer, cartDetails);
    const fresh = new PostgresProjectionSink(writer, cartDetails, building);
    await fresh.apply(TOPIC, 0, records(events), 0n, BigInt(events.length));
    await expect(trySwap(writer, cartDetails.name, active, building, TOPIC)).resolves.toBe('swapped');
    // The new partition was created by the owner's function: default privileges let the reader in.
    expect(await activeCarts(reader)).toBe(carts);
    expect(await as(roles.reader, `SELECT count(*) FROM cart_details_g${building}`)).toBe('ok');

    // Only the owner may detach and drop the retired generation (cartctl's owner pool).
    await expect(dropGenerationTablesOnline(writer, cartDetails, active)).rejects.toMatchObject({ code: '42501' });
    const owner = await createDataSource(roles.owner, 1, 'test-roles-owner').initialize();
    await dropGenerationTablesOnline(owner, cartDetails, active).finally(() => owner.destroy());
    expect(await query(admin, `SELECT to_regclass('cart_details_g${active}') AS gone`)).toEqual([{ gone: null }]);

    // An in-place rebuild empties the live generation: TRUNCATE is a row right the writer holds.
    await expect(beginInPlace(writer, cartDetails)).resolves.toBe(building);
    expect(await activeCarts(reader)).toBe(0);
  });
});

async function activeCarts(ds: DataSource): Promise<number> {
  const [row]: { n: string }[] = await ds.query(
    `SELECT count(*) AS n FROM cart_details d JOIN projection_generations g ON g.generation = d.generation AND g.projection = 'cart-details' AND g.state = 'active'`);
  return Number(row.n);
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}
