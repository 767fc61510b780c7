import { databaseBefore, type OlderDatabase } from '@carts/testing';
import { createDataSource, migrate } from '../data-source';
import { CustomerCartsCreatedAt1764100000000 } from './1764100000000-customer-carts-created-at';

const A = '0b8e5c1a-9a0e-4f43-8f3c-6b2a8c1d2e3f';
const B = '1c9f6d2b-0b1f-4054-9f4d-7c3b9d2e3f40';

/** A database made by the earlier schema, with rows in it, migrates to paging by creation time. */
describe('migration CustomerCartsCreatedAt', () => {
  let older: OlderDatabase | undefined;

  afterAll(async () => {
    await older?.dispose();
  });

  it('backfills created_at from cart-details (else updated_at), makes it NOT NULL, and indexes the new paging key', async () => {
    older = await databaseBefore(CustomerCartsCreatedAt1764100000000);
    const { url, ds: before } = older;
    await before.query(`CREATE TABLE cart_details_g1 PARTITION OF cart_details FOR VALUES IN (1)`);
    await before.query(`CREATE TABLE customer_carts_g1 PARTITION OF customer_carts FOR VALUES IN (1)`);
    await before.query(`INSERT INTO cart_details VALUES (1, $1, 'c-1', 'open', NULL, '[]', 0, 0, 3, '2026-01-01T10:00:00.123456Z', '2026-01-02T00:00:00Z')`, [A]);
    await before.query(`INSERT INTO customer_carts (generation, cart_id, customer_id, status, currency, item_count, total, lines, version, updated_at)
      VALUES (1, $1, 'c-1', 'open', NULL, 0, 0, '[]', 3, '2026-01-02T00:00:00Z'), (1, $2, 'c-1', 'open', NULL, 0, 0, '[]', 1, '2026-01-03T00:00:00Z')`, [A, B]);
    await before.destroy();

    await migrate(url);

    const ds = await createDataSource(url, 1).initialize();
    try {
      const rows: { cart_id: string; created: string }[] = await ds.query(`SELECT cart_id, to_json(created_at) #>> '{}' AS created FROM customer_carts ORDER BY cart_id`);
      expect(rows).toEqual([{ cart_id: A, created: '2026-01-01T10:00:00.123456+00:00' }, { cart_id: B, created: '2026-01-03T00:00:00+00:00' }]);
      const [column] = await ds.query(`SELECT is_nullable FROM information_schema.columns WHERE table_name = 'customer_carts' AND column_name = 'created_at'`);
      expect(column.is_nullable).toBe('NO');
      const [index] = await ds.query(`SELECT indexdef FROM pg_indexes WHERE tablename = 'customer_carts' AND indexname = 'customer_carts_newest'`);
      expect(index.indexdef).toContain('created_at DESC, cart_id DESC');
    } finally {
      await ds.destroy();
    }
  });
});
