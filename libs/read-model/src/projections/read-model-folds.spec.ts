import { cartTotals, evolve, initialState, type CartState } from '@carts/domain';
import { toDomainEvent, type EventEnvelope } from '@carts/contracts';
import { generateCartEvents, wrongTotalsFold } from '@carts/testing';
import { evolveCartDetails, type CartDetailsRow } from './cart-details/cart-details.fold';
import { evolveCustomerCart, type CustomerCartRow } from './customer-carts/customer-carts.fold';
import { foldProductActivity, type ProductDelta } from './product-activity/product-activity.fold';
import { foldPerCart } from './per-cart';

const stream = generateCartEvents({ seed: 42, events: 3000 });

function foldAll<R>(events: readonly EventEnvelope[], evolveRow: (row: R | null, e: EventEnvelope) => R | null): Map<string, R> {
  return new Map(foldPerCart(events, new Map<string, R>(), evolveRow));
}

function domainStates(events: readonly EventEnvelope[]): Map<string, CartState> {
  const states = new Map<string, CartState>();
  for (const e of events) states.set(e.cartId, evolve(states.get(e.cartId) ?? initialState, toDomainEvent(e)));
  return states;
}

describe('read-model folds (pure)', () => {
  it('the generated stream is a realistic mix', () => {
    const types = new Set(stream.map((e) => e.type));
    expect([...types].sort()).toEqual(['CartAbandoned', 'CartCheckedOut', 'CartCreated', 'ItemAdded', 'ItemQuantityChanged', 'ItemRemoved']);
  });

  it('cart details and customer carts agree with the domain state of every cart', () => {
    const details = foldAll<CartDetailsRow>(stream, evolveCartDetails);
    const customers = foldAll<CustomerCartRow>(stream, evolveCustomerCart);
    for (const [cartId, state] of domainStates(stream)) {
      if (state.status === 'none') throw new Error('every cart was created');
      const expected = { status: state.status, currency: state.currency, ...cartTotals(state.lines) };
      expect(details.get(cartId)).toMatchObject({ ...expected, customerId: state.customerId, lines: state.lines });
      expect(customers.get(cartId)).toMatchObject({ ...expected, customerId: state.customerId });
    }
  });

  it.each([
    ['cart details', evolveCartDetails],
    ['customer carts', evolveCustomerCart],
  ] as const)('%s: an event delivered twice (or replayed from an earlier point) changes nothing', (_name, evolveRow) => {
    const once = foldAll(stream, evolveRow as (row: unknown, e: EventEnvelope) => unknown);
    const redelivered = [...stream.slice(0, 2000), ...stream.slice(1500, 2500), stream[2499], ...stream.slice(2000)];
    expect(foldAll(redelivered, evolveRow as (row: unknown, e: EventEnvelope) => unknown)).toEqual(once);
  });

  it('cart details with the wrong-totals fold the tests compose differ only in the totals', () => {
    const good = foldAll<CartDetailsRow>(stream, evolveCartDetails);
    const bad = foldAll<CartDetailsRow>(stream, wrongTotalsFold);
    const differing = [...good].filter(([id, row]) => bad.get(id)?.total !== row.total);
    expect(differing.length).toBeGreaterThan(0);
    for (const [id, row] of good) expect({ ...bad.get(id), total: row.total }).toEqual(row);
  });

  it('product activity: units added − units removed = units still in open carts + purchased + abandoned, per sku', () => {
    const deltas = new Map<string, ProductDelta>();
    for (const e of stream) foldProductActivity(deltas, e);
    const inOpenCarts = new Map<string, number>();
    for (const state of domainStates(stream).values()) {
      if (state.status !== 'open') continue;
      for (const line of state.lines) inOpenCarts.set(line.sku, (inOpenCarts.get(line.sku) ?? 0) + line.quantity);
    }
    expect(deltas.size).toBeGreaterThan(10);
    for (const d of deltas.values()) {
      expect(d.quantityAdded - d.quantityRemoved).toBe((inOpenCarts.get(d.sku) ?? 0) + d.quantityPurchased + d.quantityAbandoned);
      expect(d.quantityPurchased).toBe([...d.revenue.values()].reduce((s, r) => s + r.quantity, 0));
    }
  });

  it('product activity counts ItemQuantityChanged as units added or removed, not as an add or a removal', () => {
    const base = { eventId: 'e', schemaVersion: 1, cartId: 'c', occurredAt: '2026-01-01T00:00:00.000Z', commandId: 'x', correlationId: 'x' };
    const deltas = new Map<string, ProductDelta>();
    const events = [
      { ...base, version: 2, eventId: 'e2', type: 'ItemAdded', data: { sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: 500, currency: 'EUR', lineQuantity: 2 } },
      { ...base, version: 3, eventId: 'e3', type: 'ItemQuantityChanged', data: { sku: 'MUG', quantity: 5, previousQuantity: 2 } },
      { ...base, version: 4, eventId: 'e4', type: 'ItemQuantityChanged', data: { sku: 'MUG', quantity: 1, previousQuantity: 5 } },
      { ...base, version: 5, eventId: 'e5', type: 'CartCheckedOut', data: { lines: [{ sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 500, lineTotal: 500 }], itemCount: 1, total: 500, currency: 'EUR' } },
    ] as EventEnvelope[];
    for (const e of events) foldProductActivity(deltas, e);
    expect(deltas.get('MUG')).toMatchObject({ name: 'Mug', timesAdded: 1, quantityAdded: 5, timesRemoved: 0, quantityRemoved: 4, quantityPurchased: 1 });
    expect(Object.fromEntries(deltas.get('MUG')!.revenue)).toEqual({ EUR: { revenue: 500, quantity: 1 } });
  });
});
