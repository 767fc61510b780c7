import type { EntityManager } from 'typeorm';
import { CART_EVENT_TYPES } from '@carts/domain';
import type { EventEnvelope } from '@carts/contracts';
import { partitionTable, type ProjectionDefinition } from '../../projection';
import { cartIdsOf, column, foldPerCart } from '../per-cart';
import { evolveCartDetails, type CartDetailsRow } from './cart-details.fold';

const TABLE = 'cart_details';

interface StoredRow {
  cart_id: string; customer_id: string; status: CartDetailsRow['status']; currency: string | null; lines: CartDetailsRow['lines'];
  item_count: number; total: string; version: number; created_at: Date; updated_at: Date;
}

const fromStored = (r: StoredRow): CartDetailsRow => ({
  cartId: r.cart_id, customerId: r.customer_id, status: r.status, currency: r.currency, lines: r.lines, itemCount: r.item_count,
  total: Number(r.total), version: r.version, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
});

async function load(tx: EntityManager, table: string, cartIds: string[]): Promise<Map<string, CartDetailsRow>> {
  const rows: StoredRow[] = await tx.query(`SELECT * FROM ${table} WHERE cart_id = ANY($1::uuid[])`, [cartIds]);
  return new Map(rows.map((r) => [r.cart_id, fromStored(r)]));
}

/** One statement for the whole batch: unnest of column arrays, the fastest bulk upsert in PG. */
async function upsert(tx: EntityManager, table: string, generation: number, rows: CartDetailsRow[]): Promise<void> {
  if (rows.length === 0) return;
  const col = <T>(f: (r: CartDetailsRow) => T) => column(rows, f);
  await tx.query(
    `INSERT INTO ${table} (generation, cart_id, customer_id, status, currency, lines, item_count, total, version, created_at, updated_at)
     SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::int[], $8::bigint[], $9::int[], $10::timestamptz[], $11::timestamptz[])
     ON CONFLICT (generation, cart_id) DO UPDATE SET customer_id = EXCLUDED.customer_id, status = EXCLUDED.status, currency = EXCLUDED.currency,
       lines = EXCLUDED.lines, item_count = EXCLUDED.item_count, total = EXCLUDED.total, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
     WHERE ${table}.version < EXCLUDED.version`,
    [generation, col((r) => r.cartId), col((r) => r.customerId), col((r) => r.status), col((r) => r.currency), col((r) => JSON.stringify(r.lines)),
      col((r) => r.itemCount), col((r) => r.total), col((r) => r.version), col((r) => r.createdAt), col((r) => r.updatedAt)],
  );
}

export type CartDetailsFold = (row: CartDetailsRow | null, e: EventEnvelope) => CartDetailsRow | null;

/**
 * GET /carts/:cartId — one row per cart, idempotent by the row's version. The fold is a parameter
 * so a projection can be composed with another one (a test ships a buggy fold to prove a rebuild
 * repairs the read model); the storage stays the same.
 */
export function createCartDetailsProjection(evolve: CartDetailsFold = evolveCartDetails): ProjectionDefinition {
  return {
    name: 'cart-details',
    tables: [TABLE],
    handles: CART_EVENT_TYPES,
    async applyBatch(tx: EntityManager, generation: number, events: readonly EventEnvelope[]): Promise<void> {
      const table = partitionTable(TABLE, generation);
      const changed = foldPerCart(events, await load(tx, table, cartIdsOf(events)), evolve);
      await upsert(tx, table, generation, changed.map(([, row]) => row));
    },
  };
}

export const cartDetailsProjection = createCartDetailsProjection();
