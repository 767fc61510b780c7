import type { EntityManager } from 'typeorm';
import { cartDetailsTable } from './cart-details/cart-details.storage';
import type { CartDetailsRow } from './cart-details/cart-details.fold';
import { customerCartsTable } from './customer-carts/customer-carts.storage';

const row: CartDetailsRow = {
  cartId: '0b8e5c1a-9a0e-4f43-8f3c-6b2a8c1d2e3f', customerId: 'c-1', status: 'open', currency: 'EUR', itemCount: 2, total: 1000, version: 3,
  createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-02T00:00:00.000Z', lines: [{ sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: 500, lineTotal: 1000 }],
};

function recording(): { tx: EntityManager; calls: { sql: string; params: unknown[] }[] } {
  const calls: { sql: string; params: unknown[] }[] = [];
  return { calls, tx: { query: async (sql: string, params: unknown[]) => (calls.push({ sql, params }), []) } as unknown as EntityManager };
}

/** The per-cart tables' SQL, generated from their column lists. */
describe('CartTable', () => {
  it('upserts a batch in one statement into the generation\'s partition, replacing a row only with a newer version, never its creation time', async () => {
    const { tx, calls } = recording();
    await cartDetailsTable.upsert(tx, 3, [row]);
    expect(calls).toHaveLength(1);
    const { sql, params } = calls[0];
    expect(sql).toContain('INSERT INTO cart_details_g3 (generation, cart_id, customer_id, status, currency, item_count, total, version, created_at, updated_at, lines)');
    expect(sql).toContain('WHERE cart_details_g3.version < EXCLUDED.version');
    expect(sql.slice(sql.indexOf('DO UPDATE'))).not.toMatch(/created_at|cart_id =/);
    expect(params).toEqual([3, [row.cartId], ['c-1'], ['open'], ['EUR'], [2], [1000], [3], [row.createdAt], [row.updatedAt], [JSON.stringify(row.lines)]]);
  });

  it('writes nothing for no rows', async () => {
    const { tx, calls } = recording();
    await customerCartsTable.upsert(tx, 1, []);
    expect(calls).toEqual([]);
  });

  it('selects columns under their row names and reads bigint and timestamptz back as numbers and ISO strings', () => {
    expect(customerCartsTable.selectOf(['cartId', 'total', 'createdAt'])).toBe('cart_id AS "cartId", total, created_at AS "createdAt"');
    expect(customerCartsTable.fromStored({ cartId: row.cartId, total: '1000', createdAt: new Date(row.createdAt), key: 'x' }))
      .toEqual({ cartId: row.cartId, total: 1000, createdAt: row.createdAt, key: 'x' });
  });
});
