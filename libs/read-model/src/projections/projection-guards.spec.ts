import type { EventEnvelope } from '@carts/contracts';
import type { EntityManager } from 'typeorm';
import type { CartRow } from './cart-row';
import { evolveCartDetails } from './cart-details/cart-details.fold';
import { evolveCustomerCart } from './customer-carts/customer-carts.fold';
import { foldPerCart } from './per-cart';
import { foldProductBatch, type ProductCounters } from './product-activity/product-activity.fold';
import { PROJECTIONS, projectionNamed } from './registry';
import { assertContinuous, isNewer, VersionGapError } from './version-guard';

const CART = '0b8e5c1a-9a0e-4f43-8f3c-6b2a8c1d2e3f';
const at = (version: number) => `2026-01-01T00:00:0${version}.000Z`;
const event = (version: number, type: string, data: object): EventEnvelope =>
  ({ eventId: `e${version}`, schemaVersion: 1, cartId: CART, version, occurredAt: at(version), commandId: 'x', correlationId: 'x', type, data }) as EventEnvelope;

/** One cart's history, v1…v6: every event type, so each projection handles some of it. */
const [e1, e2, e3, e4, e5, e6] = [
  event(1, 'CartCreated', { customerId: 'c-1' }),
  event(2, 'ItemAdded', { sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: 500, currency: 'EUR', lineQuantity: 2 }),
  event(3, 'ItemAdded', { sku: 'TEA', name: 'Tea', quantity: 1, unitPrice: 399, currency: 'EUR', lineQuantity: 1 }),
  event(4, 'ItemQuantityChanged', { sku: 'MUG', quantity: 5, previousQuantity: 2 }),
  event(5, 'ItemRemoved', { sku: 'TEA', quantity: 1 }),
  event(6, 'CartCheckedOut', { lines: [{ sku: 'MUG', name: 'Mug', quantity: 5, unitPrice: 500, lineTotal: 2500 }], itemCount: 5, total: 2500, currency: 'EUR' }),
];

/**
 * A projection's pure side, as storage would see it: `given` the events already stored, `when` a
 * later batch arrives (only the event types the projection handles, as the sink delivers them),
 * what is stored then.
 */
interface Model {
  readonly name: string;
  stored(history: readonly EventEnvelope[], batch?: readonly EventEnvelope[]): unknown;
}

const handled = (name: string, events: readonly EventEnvelope[]) => events.filter((e) => projectionNamed(name).handles.includes(e.type));

function perCart<R extends CartRow>(name: string, evolve: (row: R | null, e: EventEnvelope) => R | null): Model {
  const apply = (rows: ReadonlyMap<string, R>, batch: readonly EventEnvelope[]) => {
    assertContinuous(handled(name, batch), new Map([...rows].map(([cartId, row]) => [cartId, row.version])));
    return new Map([...rows, ...foldPerCart(handled(name, batch), rows, evolve)]);
  };
  return { name, stored: (history, batch = []) => apply(apply(new Map(), history), batch) };
}

type Totals = Map<string, ProductCounters & { revenue: Record<string, number> }>;

/** The aggregates add up as product-activity.storage.ts adds them; the applied versions only move forward. */
const productActivity: Model = {
  name: 'product-activity',
  stored(history, batch = []) {
    const totals: Totals = new Map();
    let applied = new Map<string, number>();
    for (const events of [history, batch]) {
      assertContinuous(handled('product-activity', events), applied, 1);
      const { deltas, versions } = foldProductBatch(handled('product-activity', events), applied);
      for (const { sku, name: _n, nameAt: _a, nameEvent: _e, lastActivityAt: _l, revenue, ...counters } of deltas) {
        const t = totals.get(sku) ?? { timesAdded: 0, quantityAdded: 0, timesRemoved: 0, quantityRemoved: 0, quantityPurchased: 0, quantityAbandoned: 0, revenue: {} };
        for (const k of Object.keys(counters) as (keyof ProductCounters)[]) t[k] += counters[k];
        for (const [currency, r] of revenue) t.revenue[currency] = (t.revenue[currency] ?? 0) + r.revenue;
        totals.set(sku, t);
      }
      applied = new Map([...applied, ...versions]);
    }
    return { totals, applied };
  },
};

const MODELS: readonly Model[] = [perCart('cart-details', evolveCartDetails), perCart('customer-carts', evolveCustomerCart), productActivity];

describe('version guards: every projection ignores a redelivery and refuses a gap, the same way', () => {
  it('covers every registered projection', () => {
    expect(MODELS.map((m) => m.name)).toEqual(PROJECTIONS.map((p) => p.name));
  });

  it.each([
    [3, undefined, true], [3, 2, true], [5, 2, true], [2, 2, false], [1, 2, false],
  ])('isNewer(version %p, applied %p) is %p', (version, applied, expected) => {
    expect(isNewer(version, applied)).toBe(expected);
  });

  describe.each(MODELS.map((m) => [m.name, m] as const))('%s', (_name, model) => {
    it('given v1–v4 stored, when v4 is delivered again, then nothing changes', () => {
      expect(model.stored([e1, e2, e3, e4], [e4])).toEqual(model.stored([e1, e2, e3, e4]));
    });

    it('given v1–v4 stored, when the older v2 is delivered again, then nothing changes', () => {
      expect(model.stored([e1, e2, e3, e4], [e2])).toEqual(model.stored([e1, e2, e3, e4]));
    });

    it('given v1–v3 stored, when a batch holds v4 twice, then v4 counts once', () => {
      expect(model.stored([e1, e2, e3], [e4, e4])).toEqual(model.stored([e1, e2, e3, e4]));
    });

    it('given v1–v4 stored, when a batch overlaps them (v2–v6), then only v5 and v6 apply', () => {
      expect(model.stored([e1, e2, e3, e4], [e2, e3, e4, e5, e6])).toEqual(model.stored([e1, e2, e3, e4, e5, e6]));
    });

    it('given v1–v3 stored, when v5 arrives with v4 missing (a forged version, or a gap), then it is refused', () => {
      expect(() => model.stored([e1, e2, e3], [e5])).toThrow(new VersionGapError(CART, 5, 3));
      expect(() => model.stored([e1, e2, e3], [e4, e6])).toThrow(new VersionGapError(CART, 6, 4));
    });
  });

  describe.each(PROJECTIONS.map((p) => [p.name, p] as const))('%s.applyBatch', (name, projection) => {
    /** A transaction with nothing stored yet, recording the statements it is sent. */
    const emptyTx = () => {
      const sent: string[] = [];
      return { sent, tx: { query: async (sql: string) => { sent.push(sql.trim().split(/\s+/)[0]); return []; } } as unknown as EntityManager };
    };

    it('refuses a batch holding a version gap before writing anything, and writes a continuous one', async () => {
      const refused = emptyTx();
      await expect(projection.applyBatch(refused.tx, 1, handled(name, [e1, e2, e4]))).rejects.toThrow(new VersionGapError(CART, 4, 2));
      expect(refused.sent).not.toContain('INSERT');
      const written = emptyTx();
      await projection.applyBatch(written.tx, 1, handled(name, [e1, e2, e3]));
      expect(written.sent).toContain('INSERT');
    });
  });
});

describe('assertContinuous', () => {
  it.each([
    ['the next version', [e4], 3, null],
    ['a redelivery, then the next version', [e2, e3, e4], 3, null],
    ['a first event at the baseline + 1', [e2], undefined, null],
    ['a version that skips one', [e5], 3, 'version 5 does not continue the cart\'s version 3'],
    ['a version that skips one within the batch', [e4, e6], 3, 'version 6 does not continue the cart\'s version 4'],
  ])('%s', (_name, events, applied, error) => {
    const check = () => assertContinuous(events, applied === undefined ? new Map() : new Map([[CART, applied]]), 1);
    if (error) expect(check).toThrow(error);
    else expect(check).not.toThrow();
  });
});
