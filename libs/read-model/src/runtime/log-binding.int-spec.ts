import type { DataSource } from 'typeorm';
import { databaseBefore, type OlderDatabase } from '@carts/testing';
import { createDataSource, migrate } from '../data-source';
import { LogIdentityAndHealth1764070000000 } from '../migrations/1764070000000-log-identity-and-health';
import { resumeGeneration } from './log-binding';

const log = (clusterId: string, end: bigint) => ({ identity: { clusterId, topic: 'x.cart-events', partitions: 2 }, endOffsets: new Map([[0, end], [1, end]]) });

/** A database from before log bindings existed migrates in place, and its first resume binds it. */
describe('an existing read-model database from before log bindings', () => {
  let older: OlderDatabase | undefined;
  let ds: DataSource | undefined;

  afterAll(async () => {
    await ds?.destroy();
    await older?.dispose();
  });

  it('migrates with its rows intact, binds to the log its offsets fit, and refuses another cluster afterwards', async () => {
    older = await databaseBefore(LogIdentityAndHealth1764070000000, 'oldschema');
    const { url, ds: old } = older;
    await old.query(`INSERT INTO projection_generations (projection, generation, state) VALUES ('cart-details', 1, 'active')`);
    await old.query(`INSERT INTO projection_offsets (projection, generation, topic, partition, next_offset) VALUES ('cart-details', 1, 'x.cart-events', 0, 40)`);
    await old.destroy();

    // Every later migration applies too (each one after this one, in order).
    expect(await migrate(url)).toEqual(['LogIdentityAndHealth1764070000000', 'CustomerCartsCreatedAt1764100000000', 'CustomerCartsPricedLines1764200000000', 'GenerationDdlFunctions1764300000000', 'TopProductsIndexes1764400000000']);
    ds = await createDataSource(url, 2, 'test-oldschema').initialize();
    expect(await ds.query(`SELECT log_cluster_id, next_offset FROM projection_generations JOIN projection_offsets USING (projection, generation)`))
      .toEqual([{ log_cluster_id: null, next_offset: '40' }]);

    expect(await resumeGeneration(ds, 'cart-details', 1, log('c-1', 10n), [0, 1])).toMatchObject({ kind: 'diverged', reason: expect.stringMatching(/^stored offset 40 of partition 0 is beyond the log's end \(10\)/) });
    expect(await resumeGeneration(ds, 'cart-details', 1, log('c-1', 50n), [0, 1])).toEqual({ kind: 'resume', offsets: new Map([[0, 40n]]) });
    expect(await ds.query(`SELECT log_cluster_id, log_topic, log_partitions FROM projection_generations`)).toEqual([{ log_cluster_id: 'c-1', log_topic: 'x.cart-events', log_partitions: 2 }]);
    expect(await resumeGeneration(ds, 'cart-details', 1, log('c-2', 50n), [0])).toMatchObject({ kind: 'diverged', reason: expect.stringMatching(/^built from another log \(cluster c-1/) });
  });
});
