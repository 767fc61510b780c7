import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `GET /products/top` reads the first `limit` rows of an index, whatever the number of products:
 * one index per ranking, in the ranking's order (value descending, then sku), inside the
 * generation. Created on the partitioned parents, so every generation (and every later one) has
 * them. See docs/query-api.md for the plan.
 */
export class TopProductsIndexes1764400000000 implements MigrationInterface {
  name = 'TopProductsIndexes1764400000000';

  async up(q: QueryRunner): Promise<void> {
    for (const column of ['quantity_added', 'quantity_purchased', 'quantity_abandoned']) {
      await q.query(`CREATE INDEX product_activity_top_${column} ON product_activity (generation, ${column} DESC, sku)`);
    }
    await q.query(`CREATE INDEX product_revenue_top ON product_revenue (generation, currency, revenue DESC, sku)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX product_revenue_top`);
    for (const column of ['quantity_added', 'quantity_purchased', 'quantity_abandoned']) await q.query(`DROP INDEX product_activity_top_${column}`);
  }
}
