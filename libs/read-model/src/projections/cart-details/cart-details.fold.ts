import { cartTotals, evolve, initialState, type CartLine, type CartState } from '@carts/domain';
import { toDomainEvent, type EventEnvelope } from '@carts/contracts';

export interface CartDetailsRow {
  readonly cartId: string;
  readonly customerId: string;
  readonly status: 'open' | 'checked_out' | 'abandoned';
  readonly currency: string | null;
  readonly lines: readonly CartLine[];
  readonly itemCount: number;
  readonly total: number;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const stateOf = (row: CartDetailsRow | null): CartState =>
  row ? { status: row.status, customerId: row.customerId, currency: row.currency, lines: row.lines } : initialState;

/**
 * Pure fold of one cart's events into its details row. The cart is folded with the domain's own
 * `evolve`, so the view means exactly what the write side meant. Never throws: an event at or
 * below the row's version is a redelivery and changes nothing; one that no longer applies is
 * ignored (but still moves the version, so read-your-writes sees it).
 */
export function evolveCartDetails(row: CartDetailsRow | null, e: EventEnvelope): CartDetailsRow | null {
  if (row && e.version <= row.version) return row;
  const state = evolve(stateOf(row), toDomainEvent(e));
  if (state.status === 'none') return row;
  return {
    cartId: e.cartId,
    customerId: state.customerId,
    status: state.status,
    currency: state.currency,
    lines: state.lines,
    ...cartTotals(state.lines),
    version: e.version,
    createdAt: row?.createdAt ?? e.occurredAt,
    updatedAt: e.occurredAt,
  };
}
