import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { CartLine } from '@carts/domain';
import { DATA_SOURCE } from '@carts/read-model';

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
 * Reads the active generation only. The join on projection_generations makes the swap of a
 * rebuild atomic for readers: one statement sees either the old generation or the new one.
 */
@Injectable()
export class CartDetailsReader {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  async find(cartId: string): Promise<CartView | null> {
    const rows: Row[] = await this.ds.query(
      `SELECT d.* FROM cart_details d
         JOIN projection_generations g ON g.projection = 'cart-details' AND g.state = 'active' AND d.generation = g.generation
        WHERE d.cart_id = $1`, [cartId]);
    const r = rows[0];
    if (!r) return null;
    return {
      cartId: r.cart_id, customerId: r.customer_id, status: r.status, currency: r.currency, items: r.lines,
      itemCount: r.item_count, total: Number(r.total), version: r.version, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
    };
  }
}
