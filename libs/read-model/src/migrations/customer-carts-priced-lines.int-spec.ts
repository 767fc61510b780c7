import type { EventEnvelope } from '@carts/contracts';
import { databaseBefore, type OlderDatabase } from '@carts/testing';
import { createDataSource, migrate } from '../data-source';
import { createCustomerCartsProjection } from '../projections/customer-carts/customer-carts.projection';
import { customerCartsTable } from '../projections/customer-carts/customer-carts.storage';
import { CustomerCartsPricedLines1764200000000 } from './1764200000000-customer-carts-priced-lines';

const A = '0b8e5c1a-9a0e-4f43-8f3c-6b2a8c1d2e3f';
const B = '1c9f6d2b-0b1f-4054-9f4d-7c3b9d2e3f40';
const LINES = [
  { sku: 'MUG', name: 'Blue mug', quantity: 3, unitPrice: 1250, lineTotal: 3750 },
  { sku: 'TEA', name: 'Green tea', quantity: 1, unitPrice: 399, lineTotal: 399 },
];

/** A database made by the earlier schema, with rows in two generations, keeps only what customer-carts needs of its lines. */
describe('migration CustomerCartsPricedLines', () => {
  let older: OlderDatabase | undefined;

  afterAll(async () => {
    await older?.dispose();
  });

  it('keeps each line\'s sku, quantity and unit price in line order, drops lines from every partition, and the projection re-totals from it', async () => {
    older = await databaseBefore(CustomerCartsPricedLines1764200000000);
    const { url, ds: before } = older;
    for (const g of [1, 2]) await before.query(`CREATE TABLE customer_carts_g${g} PARTITION OF customer_carts FOR VALUES IN (${g})`);
    await before.query(`INSERT INTO customer_carts (generation, cart_id, customer_id, status, currency, item_count, total, lines, version, updated_at, created_at)
      VALUES (1, $1, 'c-1', 'open', 'EUR', 4, 4149, $3, 5, '2026-01-02T00:00:00Z', '2026-01-01T00:00:00Z'),
             (2, $1, 'c-1', 'open', 'EUR', 4, 4149, $3, 5, '2026-01-02T00:00:00Z', '2026-01-01T00:00:00Z'),
             (2, $2, 'c-1', 'open', NULL, 0, 0, '[]', 1, '2026-01-03T00:00:00Z', '2026-01-03T00:00:00Z')`, [A, B, JSON.stringify(LINES)]);
    await before.destroy();

    await migrate(url);

    const ds = await createDataSource(url, 1).initialize();
    try {
      const rows: { generation: number; cart_id: string; priced_lines: unknown }[] = await ds.query(
        `SELECT generation, cart_id, priced_lines FROM customer_carts ORDER BY generation, cart_id`);
      const priced = [{ sku: 'MUG', quantity: 3, unitPrice: 1250 }, { sku: 'TEA', quantity: 1, unitPrice: 399 }];
      expect(rows).toEqual([
        { generation: 1, cart_id: A, priced_lines: priced },
        { generation: 2, cart_id: A, priced_lines: priced },
        { generation: 2, cart_id: B, priced_lines: [] },
      ]);
      const columns: { table_name: string; column_name: string; is_nullable: string }[] = await ds.query(
        `SELECT table_name, column_name, is_nullable FROM information_schema.columns
          WHERE table_name IN ('customer_carts', 'customer_carts_g1', 'customer_carts_g2') AND column_name IN ('lines', 'priced_lines') ORDER BY table_name`);
      expect(columns).toEqual(['customer_carts', 'customer_carts_g1', 'customer_carts_g2'].map((table_name) => ({ table_name, column_name: 'priced_lines', is_nullable: 'NO' })));

      const halved: EventEnvelope = { eventId: 'e6', schemaVersion: 1, cartId: A, version: 6, occurredAt: '2026-01-04T00:00:00.000Z', commandId: 'x', correlationId: 'x',
        type: 'ItemQuantityChanged', data: { sku: 'MUG', quantity: 1, previousQuantity: 3 } } as EventEnvelope;
      await ds.transaction((tx) => createCustomerCartsProjection().applyBatch(tx, 2, [halved]));
      const after = await ds.transaction((tx) => customerCartsTable.load(tx, 2, [A]));
      expect(after.get(A)).toMatchObject({ itemCount: 2, total: 1649, version: 6, pricedLines: [{ sku: 'MUG', quantity: 1, unitPrice: 1250 }, priced[1]] });
    } finally {
      await ds.destroy();
    }
  });
});
