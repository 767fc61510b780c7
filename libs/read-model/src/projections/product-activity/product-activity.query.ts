import type { DataSource } from 'typeorm';
import { activeGenerationSql } from '../../runtime/generations';
import type { ProductCounters } from './product-activity.fold';
import { PRODUCT_ACTIVITY } from './product-activity.projection';

/** GET /products/:sku/activity. */
export interface ProductActivityView extends Readonly<ProductCounters> {
  readonly sku: string;
  readonly name: string;
  /** Checkout revenue per currency, in minor units. */
  readonly revenue: Record<string, number>;
  readonly lastActivityAt: string;
}

export interface RankedProduct extends ProductActivityView {
  readonly rank: number;
  /** The figure ranked on. */
  readonly value: number;
}

export const TOP_BY = ['added', 'purchased', 'revenue', 'abandoned'] as const;
export type TopBy = (typeof TOP_BY)[number];

interface Row {
  sku: string; name: string; times_added: string; quantity_added: string; times_removed: string; quantity_removed: string;
  quantity_purchased: string; quantity_abandoned: string; revenue: Record<string, number>; last_activity_at: Date; value?: string;
}

const ACTIVE = activeGenerationSql(PRODUCT_ACTIVITY);
const SELECT = `SELECT a.*, coalesce((SELECT jsonb_object_agg(r.currency, r.revenue) FROM product_revenue r WHERE r.generation = a.generation AND r.sku = a.sku), '{}') AS revenue`;
const COLUMN: Record<Exclude<TopBy, 'revenue'>, string> = { added: 'quantity_added', purchased: 'quantity_purchased', abandoned: 'quantity_abandoned' };

const view = (r: Row): ProductActivityView => ({
  sku: r.sku, name: r.name, timesAdded: Number(r.times_added), quantityAdded: Number(r.quantity_added), timesRemoved: Number(r.times_removed),
  quantityRemoved: Number(r.quantity_removed), quantityPurchased: Number(r.quantity_purchased), quantityAbandoned: Number(r.quantity_abandoned),
  revenue: Object.fromEntries(Object.entries(r.revenue).map(([c, v]) => [c, Number(v)])), lastActivityAt: r.last_activity_at.toISOString(),
});

export async function findProductActivity(ds: DataSource, sku: string): Promise<ProductActivityView | null> {
  const rows: Row[] = await ds.query(`${SELECT} FROM product_activity a WHERE a.generation = ${ACTIVE} AND a.sku = $1`, [sku]);
  return rows[0] ? view(rows[0]) : null;
}

/**
 * One statement, so one snapshot: the ranking as it stood at one instant, never a mix of two.
 * Only products whose value is above 0 are ranked (a "top" list does not rank zeros); ties rank
 * by sku. Not paginated: a ranking by a value that keeps changing has no stable page 2, so a
 * client asks for up to 100 at once (docs/api.md, "GET /products/top").
 */
export async function topProducts(ds: DataSource, by: TopBy, limit: number, currency?: string): Promise<RankedProduct[]> {
  const rows: Row[] = by === 'revenue'
    ? await ds.query(
      `${SELECT}, v.revenue AS value FROM product_revenue v JOIN product_activity a ON a.generation = v.generation AND a.sku = v.sku
        WHERE v.generation = ${ACTIVE} AND v.currency = $2 AND v.revenue > 0 ORDER BY v.revenue DESC, v.sku LIMIT $1`, [limit, currency])
    : await ds.query(
      `${SELECT}, a.${COLUMN[by]} AS value FROM product_activity a WHERE a.generation = ${ACTIVE} AND a.${COLUMN[by]} > 0 ORDER BY a.${COLUMN[by]} DESC, a.sku LIMIT $1`, [limit]);
  return rows.map((r, i) => ({ rank: i + 1, ...view(r), value: Number(r.value) }));
}
