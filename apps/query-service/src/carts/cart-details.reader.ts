import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { CartLine } from '@carts/domain';
import { DATA_SOURCE, preparedQuery } from '@carts/read-model';

export interface CartView {
  readonly cartId: string;
  readonly customerId: string;
  readonly status: 'open' | 'checked_out' | 'abandoned';
  readonly currency: string | null;
  readonly items: readonly CartLine[];
  readonly itemCount: number;
  readonly total: number;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

interface Row {
  cart_id: string; customer_id: string; status: CartView['status']; currency: string | null; lines: CartLine[];
  item_count: number; total: string; version: number; created_at: Date; updated_at: Date;
}

/**
 * The active generation, resolved inside the reading statement itself: one statement sees either
 * the old generation or the new one of a rebuild, never a mix, and never a dropped table.
 */
const ACTIVE = `(SELECT generation FROM projection_generations WHERE projection = 'cart-details' AND state = 'active')`;
const COLUMNS = 'cart_id, customer_id, status, currency, lines, item_count, total, version, created_at, updated_at';

@Injectable()
export class CartDetailsReader {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  async find(cartId: string): Promise<CartView | null> {
    // Prepared: this is the statement behind every GET /carts/:id.
    const rows = await preparedQuery<Row>(this.ds, 'cart-details-find', `SELECT ${COLUMNS} FROM cart_details WHERE generation = ${ACTIVE} AND cart_id = $1`, [cartId]);
    const r = rows[0];
    if (!r) return null;
    return {
      cartId: r.cart_id, customerId: r.customer_id, status: r.status, currency: r.currency,
      // jsonb does not keep key order; answer the documented field order.
      items: r.lines.map((l) => ({ sku: l.sku, name: l.name, quantity: l.quantity, unitPrice: l.unitPrice, lineTotal: l.lineTotal })),
      itemCount: r.item_count, total: Number(r.total), version: r.version, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
    };
  }

  /** Versions of many carts in one query (read-your-writes re-checks every waiting cart at once). */
  async versions(cartIds: readonly string[]): Promise<Map<string, number>> {
    const rows: { cart_id: string; version: number }[] = await this.ds.query(
      `SELECT cart_id, version FROM cart_details WHERE generation = ${ACTIVE} AND cart_id = ANY($1::uuid[])`, [cartIds]);
    return new Map(rows.map((r) => [r.cart_id, r.version]));
  }
}
