import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@carts/read-model';
import { encodeCursor, type CartCursor } from './cart-cursor';

export interface CustomerCartView {
  readonly cartId: string;
  readonly status: 'open' | 'checked_out' | 'abandoned';
  readonly itemCount: number;
  readonly total: number;
  readonly currency: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface CustomerCartsPage {
  readonly items: CustomerCartView[];
  readonly nextCursor: string | null;
}

interface Row {
  cart_id: string; status: CustomerCartView['status']; item_count: number; total: string; currency: string | null;
  created_at: Date; updated_at: Date; created_key: string;
}

const ACTIVE = `(SELECT generation FROM projection_generations WHERE projection = 'customer-carts' AND state = 'active')`;

/**
 * Newest first by creation, keyset-paginated on (created_at, cart_id): a key that never changes, so
 * a cart changing while a client pages never moves between pages (docs/api.md, "Paging").
 * No OFFSET scans; the key is taken from PostgreSQL's own text (to the microsecond), not from a JS Date.
 */
@Injectable()
export class CustomerCartsReader {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  async page(customerId: string, options: { status?: string; limit: number; after?: CartCursor }): Promise<CustomerCartsPage> {
    const params: unknown[] = [customerId, options.limit + 1];
    const where = [`generation = ${ACTIVE}`, 'customer_id = $1'];
    if (options.status) where.push(`status = $${params.push(options.status)}`);
    if (options.after) where.push(`(created_at, cart_id) < ($${params.push(options.after.createdAt)}::timestamptz, $${params.push(options.after.cartId)}::uuid)`);
    const rows: Row[] = await this.ds.query(
      `SELECT cart_id, status, item_count, total, currency, created_at, updated_at, to_json(created_at) #>> '{}' AS created_key
         FROM customer_carts WHERE ${where.join(' AND ')} ORDER BY created_at DESC, cart_id DESC LIMIT $2`, params);
    const page = rows.slice(0, options.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        cartId: r.cart_id, status: r.status, itemCount: r.item_count, total: Number(r.total), currency: r.currency,
        createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
      })),
      nextCursor: rows.length > options.limit && last ? encodeCursor({ createdAt: last.created_key, cartId: last.cart_id }) : null,
    };
  }
}
