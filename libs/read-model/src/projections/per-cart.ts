import type { EventEnvelope } from '@carts/contracts';

/**
 * Folds a batch per cart in memory, starting from the stored rows: one load and one bulk write
 * per batch, whatever the number of events. Returns only the rows that changed, ordered by cart id
 * so concurrent writers always lock rows in the same order.
 */
export function foldPerCart<R>(events: readonly EventEnvelope[], stored: ReadonlyMap<string, R>, evolve: (row: R | null, e: EventEnvelope) => R | null): [string, R][] {
  const changed = new Map<string, R>();
  for (const event of events) {
    const before = changed.get(event.cartId) ?? stored.get(event.cartId) ?? null;
    const after = evolve(before, event);
    if (after && after !== before) changed.set(event.cartId, after);
  }
  return [...changed].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export const cartIdsOf = (events: readonly EventEnvelope[]): string[] => [...new Set(events.map((e) => e.cartId))];
