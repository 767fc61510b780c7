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
  readonly updatedAt: string;
}

export interface CustomerCartsPage {
  readonly items: CustomerCartView[];
  readonly nextCursor: string | null;
}

interface Row { cart_id: string; status: CustomerCartView['status']; item_count: number; total: string; currency: string | null; updated_at: Date; updated_key: string }

const ACTIVE = `(SELECT generation FROM projection_generations WHERE projection = 'customer-carts' AND state = 'active')`;

/** Newest first, keyset-paginated on (updated_at, cart_id): stable pages, no OFFSET scans. */
@Injectable()
export class CustomerCartsReader {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  async page(customerId: string, options: { status?: string; limit: number; after?: CartCursor }): Promise<CustomerCartsPage> {
    const params: unknown[] = [customerId, options.limit + 1];
    const where = [`generation = ${ACTIVE}`, 'customer_id = $1'];
    if (options.status) where.push(`status = $${params.push(options.status)}`);
    if (options.after) where.push(`(updated_at, cart_id) < ($${params.push(options.after.updatedAt)}::timestamptz, $${params.push(options.after.cartId)}::uuid)`);
    const rows: Row[] = await this.ds.query(
      `SELECT cart_id, status, item_count, total, currency, updated_at, to_json(updated_at) #>> '{}' AS updated_key
         FROM customer_carts WHERE ${where.join(' AND ')} ORDER BY updated_at DESC, cart_id DESC LIMIT $2`, params);
    const page = rows.slice(0, options.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({ cartId: r.cart_id, status: r.status, itemCount: r.item_count, total: Number(r.total), currency: r.currency, updatedAt: r.updated_at.toISOString() })),
      nextCursor: rows.length > options.limit && last ? encodeCursor({ updatedAt: last.updated_key, cartId: last.cart_id }) : null,
    };
  }
}
