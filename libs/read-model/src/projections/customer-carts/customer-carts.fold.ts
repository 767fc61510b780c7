import { cartTotals, evolve, initialState, type CartLine, type CartState } from '@carts/domain';
import { toDomainEvent, type EventEnvelope } from '@carts/contracts';

export interface CustomerCartRow {
  readonly cartId: string;
  readonly customerId: string;
  readonly status: 'open' | 'checked_out' | 'abandoned';
  readonly currency: string | null;
  readonly itemCount: number;
  readonly total: number;
  /** The fold's state: each line's quantity and price, so a quantity change can be re-totalled. */
  readonly lines: readonly CartLine[];
  readonly version: number;
  /** When the cart was created (its CartCreated): never changes, so it is the list's paging key. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

const stateOf = (row: CustomerCartRow | null): CartState =>
  row ? { status: row.status, customerId: row.customerId, currency: row.currency, lines: row.lines } : initialState;

/**
 * Pure fold of one cart's events into its row in the customer's list. The cart itself is folded
 * with the domain's own `evolve`, so this list can never disagree with the write side about what
 * an event means. Never throws; an event at or below the row's version is a redelivery.
 */
export function evolveCustomerCart(row: CustomerCartRow | null, e: EventEnvelope): CustomerCartRow | null {
  if (row && e.version <= row.version) return row;
  const state = evolve(stateOf(row), toDomainEvent(e));
  if (state.status === 'none') return row;
  return {
    cartId: e.cartId,
    customerId: state.customerId,
    status: state.status,
    currency: state.currency,
    ...cartTotals(state.lines),
    lines: state.lines,
    version: e.version,
    createdAt: row?.createdAt ?? e.occurredAt,
    updatedAt: e.occurredAt,
  };
}
