import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dropDatabase, ensureDatabase, parseDatabaseUrl } from '@carts/infra';
import { assertTestDatabase } from '@carts/testing';
import { createDataSource, migrate, READ_MODEL_MIGRATIONS } from '../data-source';
import { InitialSchema1764050000000 } from '../migrations/1764050000000-initial-schema';
import { ReadSideModels1764060000000 } from '../migrations/1764060000000-read-side-models';
import { resumeGeneration } from './log-binding';

const log = (clusterId: string, end: bigint) => ({ identity: { clusterId, topic: 'x.cart-events', partitions: 2 }, endOffsets: new Map([[0, end], [1, end]]) });

/** A database from before log bindings existed migrates in place, and its first resume binds it. */
describe('an existing read-model database from before log bindings', () => {
  const url = parseDatabaseUrl(assertTestDatabase()).on(`${parseDatabaseUrl(process.env.DATABASE_URL!).database}_oldschema_${randomBytes(3).toString('hex')}`);
  let ds: DataSource | undefined;

  afterAll(async () => {
    await ds?.destroy();
    await dropDatabase(url).catch(() => undefined);
  });

  it('migrates with its rows intact, binds to the log its offsets fit, and refuses another cluster afterwards', async () => {
    await ensureDatabase(url);
    const old = new DataSource({ type: 'postgres', url, migrations: [InitialSchema1764050000000, ReadSideModels1764060000000], migrationsTransactionMode: 'each' });
    await old.initialize();
    await old.runMigrations();
    await old.query(`INSERT INTO projection_generations (projection, generation, state) VALUES ('cart-details', 1, 'active')`);
    await old.query(`INSERT INTO projection_offsets (projection, generation, topic, partition, next_offset) VALUES ('cart-details', 1, 'x.cart-events', 0, 40)`);
    await old.destroy();

    // Every later migration applies too (CustomerCartsCreatedAt came after this one).
    expect(await migrate(url)).toEqual(READ_MODEL_MIGRATIONS.slice(2).map((m) => m.name));
    expect(READ_MODEL_MIGRATIONS.slice(2).map((m) => m.name)).toEqual(expect.arrayContaining(['LogIdentityAndHealth1764070000000', 'CustomerCartsCreatedAt1764100000000']));
    ds = await createDataSource(url, 2, 'test-oldschema').initialize();
    expect(await ds.query(`SELECT log_cluster_id, next_offset FROM projection_generations JOIN projection_offsets USING (projection, generation)`))
      .toEqual([{ log_cluster_id: null, next_offset: '40' }]);

    expect(await resumeGeneration(ds, 'cart-details', 1, log('c-1', 10n), [0, 1])).toMatchObject({ kind: 'diverged', reason: expect.stringMatching(/^stored offset 40 of partition 0 is beyond the log's end \(10\)/) });
    expect(await resumeGeneration(ds, 'cart-details', 1, log('c-1', 50n), [0, 1])).toEqual({ kind: 'resume', offsets: new Map([[0, 40n]]) });
    expect(await ds.query(`SELECT log_cluster_id, log_topic, log_partitions FROM projection_generations`)).toEqual([{ log_cluster_id: 'c-1', log_topic: 'x.cart-events', log_partitions: 2 }]);
    expect(await resumeGeneration(ds, 'cart-details', 1, log('c-2', 50n), [0])).toMatchObject({ kind: 'diverged', reason: expect.stringMatching(/^built from another log \(cluster c-1/) });
  });
});
