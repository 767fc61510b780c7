import type { CartLine } from '@carts/domain';
import type { EventEnvelope } from '@carts/contracts';
import { evolveCartRow, type CartRow } from '../cart-row';

/** A row of `cart_details`: the whole cart, as GET /carts/:cartId serves it. */
export interface CartDetailsRow extends CartRow {
  readonly lines: readonly CartLine[];
}

export type CartDetailsFold = (row: CartDetailsRow | null, e: EventEnvelope) => CartDetailsRow | null;

/** Pure fold of one cart's events into its details row (see `evolveCartRow`); the lines are kept whole. */
export const evolveCartDetails: CartDetailsFold = (row, e) =>
  evolveCartRow(row, e, { read: (r) => r.lines, write: (r, lines) => ({ ...r, lines }) });
