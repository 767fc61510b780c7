import { cartTotals, evolve, initialState, type CartLine, type CartState, type CartStatus } from '@carts/domain';
import { toDomainEvent, type EventEnvelope } from '@carts/contracts';
import { isNewer } from './version-guard';

/** What every per-cart read model holds about a cart; each adds its own view of the lines. */
export interface CartRow {
  readonly cartId: string;
  readonly customerId: string;
  readonly status: CartStatus;
  readonly currency: string | null;
  readonly itemCount: number;
  readonly total: number;
  readonly version: number;
  /** When the cart was created (its CartCreated): never changes. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** How a read model keeps the cart's lines: read back into the domain's lines, and written from them. */
export interface LinesOf<R extends CartRow> {
  readonly read: (row: R) => readonly CartLine[];
  readonly write: (row: CartRow, lines: readonly CartLine[]) => R;
}

/**
 * Pure fold of one cart's events into a row. The cart is folded with the domain's own `evolve`, so
 * the view means exactly what the write side meant. Never throws: an event the version guard
 * refuses is a redelivery and changes nothing; one that no longer applies is ignored (but still
 * moves the version, so read-your-writes sees it).
 */
export function evolveCartRow<R extends CartRow>(row: R | null, e: EventEnvelope, lines: LinesOf<R>): R | null {
  if (row && !isNewer(e.version, row.version)) return row;
  const before: CartState = row ? { status: row.status, customerId: row.customerId, currency: row.currency, lines: lines.read(row) } : initialState;
  const state = evolve(before, toDomainEvent(e));
  if (state.status === 'none') return row;
  return lines.write({
    cartId: e.cartId,
    customerId: state.customerId,
    status: state.status,
    currency: state.currency,
    ...cartTotals(state.lines),
    version: e.version,
    createdAt: row?.createdAt ?? e.occurredAt,
    updatedAt: e.occurredAt,
  }, state.lines);
}
