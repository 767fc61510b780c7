import type { DataSource } from 'typeorm';
import type { CartLine } from '@carts/domain';
import { preparedQuery } from '../../prepared-query';
import { activeGenerationSql } from '../../runtime/generations';
import type { CartDetailsRow } from './cart-details.fold';
import { CART_DETAILS } from './cart-details.projection';
import { cartDetailsTable } from './cart-details.storage';

/** GET /carts/:cartId: the row, its lines served as `items`. */
export type CartView = Omit<CartDetailsRow, 'lines'> & { readonly items: readonly CartLine[] };

const ACTIVE = activeGenerationSql(CART_DETAILS);

/** The cart as the active generation has it, or null. */
export async function findCart(ds: DataSource, cartId: string): Promise<CartView | null> {
  // Prepared: this is the statement behind every GET /carts/:id.
  const rows = await preparedQuery<Record<string, unknown>>(ds, 'cart-details-find',
    `SELECT ${cartDetailsTable.select} FROM ${cartDetailsTable.name} WHERE generation = ${ACTIVE} AND cart_id = $1`, [cartId]);
  if (!rows[0]) return null;
  const r = cartDetailsTable.fromStored(rows[0]);
  // The documented field order; jsonb does not keep the lines' key order either.
  return {
    cartId: r.cartId, customerId: r.customerId, status: r.status, currency: r.currency,
    items: r.lines.map((l) => ({ sku: l.sku, name: l.name, quantity: l.quantity, unitPrice: l.unitPrice, lineTotal: l.lineTotal })),
    itemCount: r.itemCount, total: r.total, version: r.version, createdAt: r.createdAt, updatedAt: r.updatedAt,
  };
}

/** Versions of many carts in one query (read-your-writes re-checks every waiting cart at once). */
export async function cartVersions(ds: DataSource, cartIds: readonly string[]): Promise<Map<string, number>> {
  const rows: { cart_id: string; version: number }[] = await ds.query(
    `SELECT cart_id, version FROM ${cartDetailsTable.name} WHERE generation = ${ACTIVE} AND cart_id = ANY($1::uuid[])`, [cartIds]);
  return new Map(rows.map((r) => [r.cart_id, r.version]));
}
