import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GET /customers/:id/carts paged by (updated_at, cart_id): a cart that changed between two page
 * reads moved to the top and was skipped. The list now pages by (created_at, cart_id), which never
 * change. Existing rows take the creation time cart-details recorded for the same cart (its
 * CartCreated's occurredAt, as the fold would); a row cart-details does not have yet falls back to
 * its updated_at — a `cartctl rebuild customer-carts` makes every row exact.
 */
export class CustomerCartsCreatedAt1764100000000 implements MigrationInterface {
  name = 'CustomerCartsCreatedAt1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE customer_carts ADD COLUMN created_at timestamptz`);
    await q.query(`UPDATE customer_carts c SET created_at = coalesce(
      (SELECT d.created_at FROM cart_details d WHERE d.cart_id = c.cart_id ORDER BY d.generation DESC LIMIT 1), c.updated_at)`);
    await q.query(`ALTER TABLE customer_carts ALTER COLUMN created_at SET NOT NULL`);
    await q.query(`DROP INDEX customer_carts_newest`);
    await q.query(`CREATE INDEX customer_carts_newest ON customer_carts (generation, customer_id, created_at DESC, cart_id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX customer_carts_newest`);
    await q.query(`CREATE INDEX customer_carts_newest ON customer_carts (generation, customer_id, updated_at DESC, cart_id DESC)`);
    await q.query(`ALTER TABLE customer_carts DROP COLUMN created_at`);
  }
}
