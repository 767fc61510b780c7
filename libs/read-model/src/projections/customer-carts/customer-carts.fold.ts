import type { CartLine } from '@carts/domain';
import type { EventEnvelope } from '@carts/contracts';
import { evolveCartRow, type CartRow } from '../cart-row';

/** What the fold needs of a line to re-total the cart after a change; names are not kept here. */
export type PricedLine = Pick<CartLine, 'sku' | 'quantity' | 'unitPrice'>;

/** A row of `customer_carts`: a cart in its customer's list, paged by (createdAt, cartId). */
export interface CustomerCartRow extends CartRow {
  /** The fold's state, not served: each line's quantity and price, so a quantity change can be re-totalled. */
  readonly pricedLines: readonly PricedLine[];
}

// Back into the domain's lines for `evolve`: the name is never read here, the total is recomputed.
const toLine = (l: PricedLine): CartLine => ({ ...l, name: '', lineTotal: l.quantity * l.unitPrice });
const toPriced = ({ sku, quantity, unitPrice }: CartLine): PricedLine => ({ sku, quantity, unitPrice });

/** Pure fold of one cart's events into its row in the customer's list (see `evolveCartRow`). */
export function evolveCustomerCart(row: CustomerCartRow | null, e: EventEnvelope): CustomerCartRow | null {
  return evolveCartRow(row, e, { read: (r) => r.pricedLines.map(toLine), write: (r, lines) => ({ ...r, pricedLines: lines.map(toPriced) }) });
}
