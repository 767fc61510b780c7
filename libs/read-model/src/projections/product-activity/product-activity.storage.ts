import type { EntityManager } from 'typeorm';
import { partitionTable } from '../../projection';
import type { ProductDelta } from './product-activity.fold';

/** The tables (migrations: ReadSideModels1764060000000), each LIST-partitioned by generation. */
export const PRODUCT_TABLES = { activity: 'product_activity', revenue: 'product_revenue', applied: 'product_activity_carts' } as const;

/** The last version of each cart applied to the aggregates of a generation. */
export async function appliedVersions(tx: EntityManager, generation: number, cartIds: string[]): Promise<Map<string, number>> {
  const rows: { cart_id: string; version: number }[] = await tx.query(
    `SELECT cart_id, version FROM ${partitionTable(PRODUCT_TABLES.applied, generation)} WHERE cart_id = ANY($1::uuid[])`, [cartIds]);
  return new Map(rows.map((r) => [r.cart_id, r.version]));
}

const NEWER_NAME = `EXCLUDED.name_at IS NOT NULL AND (t.name_at IS NULL OR (EXCLUDED.name_at, EXCLUDED.name_event COLLATE "C") > (t.name_at, t.name_event COLLATE "C"))`;

export async function upsertActivity(tx: EntityManager, generation: number, deltas: ProductDelta[]): Promise<void> {
  const col = <T>(f: (d: ProductDelta) => T) => deltas.map(f);
  await tx.query(
    `INSERT INTO ${partitionTable(PRODUCT_TABLES.activity, generation)} AS t (generation, sku, name, name_at, name_event, times_added, quantity_added,
       times_removed, quantity_removed, quantity_purchased, quantity_abandoned, last_activity_at)
     SELECT $1, u.sku, coalesce(u.name, u.sku), u.name_at, u.name_event, u.ta, u.qa, u.tr, u.qr, u.qp, u.qab, u.la
       FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::timestamptz[])
         AS u(sku, name, name_at, name_event, ta, qa, tr, qr, qp, qab, la)
     ON CONFLICT (generation, sku) DO UPDATE SET
       times_added = t.times_added + EXCLUDED.times_added, quantity_added = t.quantity_added + EXCLUDED.quantity_added,
       times_removed = t.times_removed + EXCLUDED.times_removed, quantity_removed = t.quantity_removed + EXCLUDED.quantity_removed,
       quantity_purchased = t.quantity_purchased + EXCLUDED.quantity_purchased, quantity_abandoned = t.quantity_abandoned + EXCLUDED.quantity_abandoned,
       last_activity_at = greatest(t.last_activity_at, EXCLUDED.last_activity_at),
       name = CASE WHEN ${NEWER_NAME} THEN EXCLUDED.name ELSE t.name END,
       name_at = CASE WHEN ${NEWER_NAME} THEN EXCLUDED.name_at ELSE t.name_at END,
       name_event = CASE WHEN ${NEWER_NAME} THEN EXCLUDED.name_event ELSE t.name_event END`,
    [generation, col((d) => d.sku), col((d) => d.name), col((d) => d.nameAt), col((d) => d.nameEvent), col((d) => d.timesAdded), col((d) => d.quantityAdded),
      col((d) => d.timesRemoved), col((d) => d.quantityRemoved), col((d) => d.quantityPurchased), col((d) => d.quantityAbandoned), col((d) => d.lastActivityAt)],
  );
}

export async function upsertRevenue(tx: EntityManager, generation: number, deltas: ProductDelta[]): Promise<void> {
  const rows = deltas.flatMap((d) => [...d.revenue].sort(([a], [b]) => (a < b ? -1 : 1)).map(([currency, r]) => ({ sku: d.sku, currency, ...r })));
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO ${partitionTable(PRODUCT_TABLES.revenue, generation)} AS t (generation, sku, currency, revenue, quantity_purchased)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[])
     ON CONFLICT (generation, sku, currency) DO UPDATE SET revenue = t.revenue + EXCLUDED.revenue, quantity_purchased = t.quantity_purchased + EXCLUDED.quantity_purchased`,
    [generation, rows.map((r) => r.sku), rows.map((r) => r.currency), rows.map((r) => r.revenue), rows.map((r) => r.quantity)],
  );
}

/** The version guard again in SQL: a stored version only ever moves forward, whatever a concurrent writer did. */
export async function storeVersions(tx: EntityManager, generation: number, versions: Map<string, number>): Promise<void> {
  const sorted = [...versions].sort(([a], [b]) => (a < b ? -1 : 1));
  await tx.query(
    `INSERT INTO ${partitionTable(PRODUCT_TABLES.applied, generation)} AS t (generation, cart_id, version)
     SELECT $1, * FROM unnest($2::uuid[], $3::int[])
     ON CONFLICT (generation, cart_id) DO UPDATE SET version = EXCLUDED.version WHERE t.version < EXCLUDED.version`,
    [generation, sorted.map(([id]) => id), sorted.map(([, v]) => v)],
  );
}
