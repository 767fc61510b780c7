import type { EventEnvelope } from '@carts/contracts';
import { isNewer } from '../version-guard';

/** What product activity counts per sku (docs/operations.md, "Product activity"). */
export interface ProductCounters {
  timesAdded: number;
  quantityAdded: number;
  timesRemoved: number;
  quantityRemoved: number;
  quantityPurchased: number;
  quantityAbandoned: number;
}

/**
 * What a batch of events changes for one sku: increments only, so deltas from different carts,
 * batches and projector instances add up to the same totals in any order.
 */
export interface ProductDelta extends ProductCounters {
  readonly sku: string;
  /** Latest name seen in this batch, with (occurredAt, eventId) deciding which is latest. */
  name: string | null;
  nameAt: string | null;
  nameEvent: string | null;
  lastActivityAt: string;
  /** Revenue at checkout per currency, minor units. */
  readonly revenue: Map<string, { revenue: number; quantity: number }>;
}

const emptyDelta = (sku: string, at: string): ProductDelta => ({
  sku, name: null, nameAt: null, nameEvent: null, timesAdded: 0, quantityAdded: 0, timesRemoved: 0, quantityRemoved: 0,
  quantityPurchased: 0, quantityAbandoned: 0, lastActivityAt: at, revenue: new Map(),
});

/** Instants compare as instants (an ISO string may carry any offset); ties go to the greater event id. */
function later(at: string, id: string, thanAt: string | null, thanId: string | null): boolean {
  if (thanAt === null) return true;
  const a = Date.parse(at);
  const b = Date.parse(thanAt);
  return a > b || (a === b && id > (thanId ?? ''));
}

/**
 * Folds one event into the per-sku deltas. Counting rules (docs/operations.md, "Product activity"):
 * - ItemAdded: timesAdded +1, quantityAdded + units added.
 * - ItemQuantityChanged: not an add or a removal of the product, so neither `times` counter moves;
 *   the units move: an increase adds to quantityAdded, a decrease to quantityRemoved. Thus
 *   quantityAdded − quantityRemoved is always the units still in carts, bought or abandoned.
 * - ItemRemoved: timesRemoved +1, quantityRemoved + the line's units.
 * - CartCheckedOut: quantityPurchased and revenue (lineTotal, in the cart's currency) per line.
 * - CartAbandoned: quantityAbandoned per line.
 */
export function foldProductActivity(deltas: Map<string, ProductDelta>, e: EventEnvelope): void {
  const touch = (sku: string): ProductDelta => {
    const d = deltas.get(sku) ?? emptyDelta(sku, e.occurredAt);
    if (Date.parse(e.occurredAt) > Date.parse(d.lastActivityAt)) d.lastActivityAt = e.occurredAt;
    deltas.set(sku, d);
    return d;
  };
  switch (e.type) {
    case 'ItemAdded': {
      const d = touch(e.data.sku);
      d.timesAdded += 1;
      d.quantityAdded += e.data.quantity;
      if (later(e.occurredAt, e.eventId, d.nameAt, d.nameEvent)) Object.assign(d, { name: e.data.name, nameAt: e.occurredAt, nameEvent: e.eventId });
      return;
    }
    case 'ItemQuantityChanged': {
      const d = touch(e.data.sku);
      const change = e.data.quantity - e.data.previousQuantity;
      if (change > 0) d.quantityAdded += change;
      else d.quantityRemoved -= change;
      return;
    }
    case 'ItemRemoved': {
      const d = touch(e.data.sku);
      d.timesRemoved += 1;
      d.quantityRemoved += e.data.quantity;
      return;
    }
    case 'CartCheckedOut':
      for (const line of e.data.lines) {
        const d = touch(line.sku);
        d.quantityPurchased += line.quantity;
        const r = d.revenue.get(e.data.currency) ?? { revenue: 0, quantity: 0 };
        d.revenue.set(e.data.currency, { revenue: r.revenue + line.lineTotal, quantity: r.quantity + line.quantity });
      }
      return;
    case 'CartAbandoned':
      for (const line of e.data.lines) touch(line.sku).quantityAbandoned += line.quantity;
      return;
    default:
      return;
  }
}

export interface ProductBatch {
  /** Per sku, sorted by sku: concurrent batches (other partitions, other instances) lock sku rows in one order, so never deadlock. */
  readonly deltas: ProductDelta[];
  /** The last version applied per cart, to store with the aggregates. */
  readonly versions: Map<string, number>;
}

/**
 * Aggregates have no per-row version to compare, so the last version applied per cart is stored
 * beside them (same transaction): an event the version guard refuses against it (or against an
 * earlier event of the same batch) is a redelivery, and is not counted again.
 */
export function foldProductBatch(events: readonly EventEnvelope[], applied: ReadonlyMap<string, number>): ProductBatch {
  const deltas = new Map<string, ProductDelta>();
  const versions = new Map<string, number>();
  for (const e of events) {
    if (!isNewer(e.version, versions.get(e.cartId) ?? applied.get(e.cartId))) continue;
    foldProductActivity(deltas, e);
    versions.set(e.cartId, e.version);
  }
  return { deltas: [...deltas.values()].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0)), versions };
}
