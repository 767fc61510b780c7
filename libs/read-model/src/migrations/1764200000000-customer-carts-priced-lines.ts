import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * customer_carts kept every line whole (`lines`: names, prices, totals), yet serves none of it: the
 * fold needs only each line's sku, quantity and unit price to re-total the cart after a change
 * (ItemQuantityChanged and ItemRemoved carry no price). `priced_lines` keeps just those, taken from
 * `lines` row by row, in line order; `lines` is dropped. On the partitioned parent, each statement
 * reaches every generation's partition. Stop projectors of the previous version before this runs:
 * they still write `lines`.
 */
export class CustomerCartsPricedLines1764200000000 implements MigrationInterface {
  name = 'CustomerCartsPricedLines1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE customer_carts ADD COLUMN priced_lines jsonb`);
    await q.query(`UPDATE customer_carts SET priced_lines = (
      SELECT coalesce(jsonb_agg(jsonb_build_object('sku', l->'sku', 'quantity', l->'quantity', 'unitPrice', l->'unitPrice') ORDER BY n), '[]')
        FROM jsonb_array_elements(lines) WITH ORDINALITY AS x(l, n))`);
    await q.query(`ALTER TABLE customer_carts ALTER COLUMN priced_lines SET NOT NULL`);
    await q.query(`ALTER TABLE customer_carts DROP COLUMN lines`);
  }

  /** Names are gone: a line comes back named by its sku (`cartctl rebuild customer-carts` restores them). */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE customer_carts ADD COLUMN lines jsonb`);
    await q.query(`UPDATE customer_carts SET lines = (
      SELECT coalesce(jsonb_agg(jsonb_build_object('sku', l->'sku', 'name', l->'sku', 'quantity', l->'quantity', 'unitPrice', l->'unitPrice',
        'lineTotal', (l->>'quantity')::bigint * (l->>'unitPrice')::bigint) ORDER BY n), '[]')
        FROM jsonb_array_elements(priced_lines) WITH ORDINALITY AS x(l, n))`);
    await q.query(`ALTER TABLE customer_carts ALTER COLUMN lines SET NOT NULL`);
    await q.query(`ALTER TABLE customer_carts DROP COLUMN priced_lines`);
  }
}
