import type { DataSource } from 'typeorm';
import { activeGenerationSql } from '../../runtime/generations';
import type { CustomerCartRow } from './customer-carts.fold';
import { CUSTOMER_CARTS } from './customer-carts.projection';
import { customerCartsTable } from './customer-carts.storage';

const SERVED = ['cartId', 'status', 'itemCount', 'total', 'currency', 'createdAt', 'updatedAt'] as const;

/** A cart in GET /customers/:customerId/carts. */
export type CustomerCartView = Pick<CustomerCartRow, (typeof SERVED)[number]>;

/** A keyset position: the (created_at, cart_id) of the last cart of a page, exact to the microsecond. */
export interface CustomerCartsPosition {
  readonly createdAt: string;
  readonly cartId: string;
}

export interface CustomerCartsRows {
  readonly items: CustomerCartView[];
  /** Where the next page starts; null on the last page. */
  readonly next: CustomerCartsPosition | null;
}

const ACTIVE = activeGenerationSql(CUSTOMER_CARTS);

/**
 * Newest first by creation, keyset-paginated on (created_at, cart_id): a key that never changes, so
 * a cart changing while a client pages never moves between pages (docs/api.md, "Paging").
 * No OFFSET scans; the key is taken from PostgreSQL's own text (to the microsecond), not from a JS Date.
 */
export async function customerCartsPage(
  ds: DataSource, customerId: string, options: { status?: string; limit: number; after?: CustomerCartsPosition },
): Promise<CustomerCartsRows> {
  const params: unknown[] = [customerId, options.limit + 1];
  const where = [`generation = ${ACTIVE}`, 'customer_id = $1'];
  if (options.status) where.push(`status = $${params.push(options.status)}`);
  if (options.after) where.push(`(created_at, cart_id) < ($${params.push(options.after.createdAt)}::timestamptz, $${params.push(options.after.cartId)}::uuid)`);
  const rows: ({ createdKey: string } & Record<string, unknown>)[] = await ds.query(
    `SELECT ${customerCartsTable.selectOf(SERVED)}, to_json(created_at) #>> '{}' AS "createdKey"
       FROM ${customerCartsTable.name} WHERE ${where.join(' AND ')} ORDER BY created_at DESC, cart_id DESC LIMIT $2`, params);
  const page = rows.slice(0, options.limit).map(({ createdKey, ...row }) => ({ createdKey, view: customerCartsTable.fromStored<(typeof SERVED)[number]>(row) }));
  const last = page[page.length - 1];
  return { items: page.map((p) => p.view), next: rows.length > options.limit && last ? { createdAt: last.createdKey, cartId: last.view.cartId } : null };
}
