import type { EntityManager } from 'typeorm';
import { CART_EVENT_TYPES } from '@carts/domain';
import type { EventEnvelope } from '@carts/contracts';
import { partitionTable, type ProjectionDefinition } from '../../projection';
import { cartIdsOf, column, foldPerCart } from '../per-cart';
import { evolveCustomerCart, type CustomerCartRow } from './customer-carts.fold';

const TABLE = 'customer_carts';

interface StoredRow {
  cart_id: string; customer_id: string; status: CustomerCartRow['status']; currency: string | null; item_count: number; total: string;
  lines: CustomerCartRow['lines']; version: number; created_at: Date; updated_at: Date;
}

const fromStored = (r: StoredRow): CustomerCartRow => ({
  cartId: r.cart_id, customerId: r.customer_id, status: r.status, currency: r.currency, itemCount: r.item_count, total: Number(r.total),
  lines: r.lines, version: r.version, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
});

async function load(tx: EntityManager, table: string, cartIds: string[]): Promise<Map<string, CustomerCartRow>> {
  const rows: StoredRow[] = await tx.query(`SELECT * FROM ${table} WHERE cart_id = ANY($1::uuid[])`, [cartIds]);
  return new Map(rows.map((r) => [r.cart_id, fromStored(r)]));
}

async function upsert(tx: EntityManager, table: string, generation: number, rows: CustomerCartRow[]): Promise<void> {
  if (rows.length === 0) return;
  const col = <T>(f: (r: CustomerCartRow) => T) => column(rows, f);
  await tx.query(
    `INSERT INTO ${table} (generation, cart_id, customer_id, status, currency, item_count, total, lines, version, updated_at, created_at)
     SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::int[], $7::bigint[], $8::jsonb[], $9::int[], $10::timestamptz[], $11::timestamptz[])
     ON CONFLICT (generation, cart_id) DO UPDATE SET customer_id = EXCLUDED.customer_id, status = EXCLUDED.status, currency = EXCLUDED.currency,
       item_count = EXCLUDED.item_count, total = EXCLUDED.total, lines = EXCLUDED.lines, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
     WHERE ${table}.version < EXCLUDED.version`, // created_at is not updated: it is the list's paging key, fixed at insert
    [generation, col((r) => r.cartId), col((r) => r.customerId), col((r) => r.status), col((r) => r.currency), col((r) => r.itemCount),
      col((r) => r.total), col((r) => JSON.stringify(r.lines)), col((r) => r.version), col((r) => r.updatedAt), col((r) => r.createdAt)],
  );
}

/** GET /customers/:customerId/carts — one row per cart, idempotent by the row's version. */
export function createCustomerCartsProjection(): ProjectionDefinition {
  return {
    name: 'customer-carts',
    tables: [TABLE],
    handles: CART_EVENT_TYPES,
    async applyBatch(tx: EntityManager, generation: number, events: readonly EventEnvelope[]): Promise<void> {
      const table = partitionTable(TABLE, generation);
      const changed = foldPerCart(events, await load(tx, table, cartIdsOf(events)), evolveCustomerCart);
      await upsert(tx, table, generation, changed.map(([, row]) => row));
    },
  };
}
