import type { DataSource } from 'typeorm';
import { databaseBefore, type OlderDatabase } from '@carts/testing';
import { createDataSource, migrate } from '../../data-source';
import { TopProductsIndexes1764400000000 } from '../../migrations/1764400000000-top-products-indexes';
import { ensureActiveGeneration } from '../../runtime/generations';
import { projectionNamed } from '../registry';
import { TOP_BY, topProducts } from './product-activity.query';

const PRODUCTS = 20_000;

/** The statement `topProducts` sends, with its parameters, without running it. */
async function statementOf(by: (typeof TOP_BY)[number]): Promise<{ sql: string; params: unknown[] }> {
  let sent: { sql: string; params: unknown[] } | undefined;
  const recorder = { query: async (sql: string, params: unknown[]) => ((sent = { sql, params }), []) } as unknown as DataSource;
  await topProducts(recorder, by, 10, by === 'revenue' ? 'EUR' : undefined);
  return sent!;
}

/**
 * GET /products/top cannot be made expensive: on a database with 20,000 products (a generation
 * that existed before the indexes' migration), every ranking is read from an index in its order,
 * the first `limit` entries only — no scan of every product, no sort.
 */
describe('top products from an index', () => {
  let older: OlderDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    older = await databaseBefore(TopProductsIndexes1764400000000, 'top');
    const generation = await ensureActiveGeneration(older.ds, projectionNamed('product-activity'));
    await older.ds.query(`INSERT INTO product_activity (generation, sku, name, times_added, quantity_added, times_removed, quantity_removed, quantity_purchased, quantity_abandoned, last_activity_at)
      SELECT $1, 'SKU-' || i, 'Product ' || i, i % 97, i % 1013, 0, 0, i % 89, i % 83, now() FROM generate_series(1, ${PRODUCTS}) i`, [generation]);
    await older.ds.query(`INSERT INTO product_revenue (generation, sku, currency, revenue, quantity_purchased)
      SELECT $1, 'SKU-' || i, c, (i * 37) % 100000, i % 89 FROM generate_series(1, ${PRODUCTS}) i, unnest(ARRAY['EUR', 'USD']) c`, [generation]);
    await older.ds.destroy();
    expect(await migrate(older.url)).toEqual(['TopProductsIndexes1764400000000']);
    ds = await createDataSource(older.url, 2, 'test-top').initialize();
    await ds.query('ANALYZE product_activity; ANALYZE product_revenue');
  });

  afterAll(async () => {
    await ds?.destroy();
    await older?.dispose();
  });

  it.each(TOP_BY)('by=%s reads an index in ranking order and stops at the limit', async (by) => {
    const { sql, params } = await statementOf(by);
    const [{ 'QUERY PLAN': plan }] = await ds.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
    const text = JSON.stringify(plan);
    const lines: { 'QUERY PLAN': string }[] = await ds.query(`EXPLAIN (COSTS OFF) ${sql}`, params);
    process.stderr.write(`[top-products] by=${by}\n${lines.map((l) => `  ${l['QUERY PLAN']}`).join('\n')}\n`);
    expect(text).toMatch(by === 'revenue' ? /"Index Name":"product_revenue_g\d+_[a-z_]*idx"/ : new RegExp(`"Index Name":"product_activity_g\\d+_generation_quantity_${by}_sku_idx"`));
    expect(text).not.toMatch(/"Node Type":"Sort"/);
    expect(text).not.toMatch(/"Node Type":"Seq Scan","Parent Relationship":"Outer"[^}]*"Relation Name":"product_(activity|revenue)_g/);
    const rows = await topProducts(ds, by, 10, by === 'revenue' ? 'EUR' : undefined);
    expect(rows).toHaveLength(10);
    expect(rows.map((r) => r.value)).toEqual([...rows.map((r) => r.value)].sort((a, b) => b - a));
  });
});
