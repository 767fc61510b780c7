import type { CartEvent } from './cart.events';
import { cartTotals, evolve, initialState, type CartState } from './cart.state';
import { ABANDONED_HISTORY, CHECKED_OUT_HISTORY, cartCreated, itemAdded } from './testing/cart-fixtures';

const fold = (events: readonly CartEvent[], from: CartState = initialState): CartState => events.reduce(evolve, from);

describe('evolve', () => {
  it('starts from no cart', () => {
    expect(initialState).toEqual({ status: 'none' });
  });

  it('opens a cart with no currency and no lines', () => {
    expect(fold([cartCreated('customer-1')])).toEqual({ status: 'open', customerId: 'customer-1', currency: null, lines: [] });
  });

  it('adds a line, fixing the currency and computing its total', () => {
    expect(fold([cartCreated(), itemAdded({ sku: 'MUG', name: 'Mug', quantity: 3, unitPrice: 1250, currency: 'USD' })])).toEqual({
      status: 'open',
      customerId: 'customer-42',
      currency: 'USD',
      lines: [{ sku: 'MUG', name: 'Mug', quantity: 3, unitPrice: 1250, lineTotal: 3750 }],
    });
  });

  it('takes the recorded line quantity and the latest name and price for a repeated sku', () => {
    const state = fold([
      cartCreated(),
      itemAdded({ sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: 1000 }),
      itemAdded({ sku: 'MUG', name: 'Mug v2', quantity: 3, unitPrice: 1100, lineQuantity: 5 }),
    ]);
    expect(linesOf(state)).toEqual([{ sku: 'MUG', name: 'Mug v2', quantity: 5, unitPrice: 1100, lineTotal: 5500 }]);
  });

  it('keeps lines in order of first insertion; a removed and re-added sku goes last', () => {
    const state = fold([
      cartCreated(),
      itemAdded({ sku: 'A' }),
      itemAdded({ sku: 'B' }),
      itemAdded({ sku: 'C' }),
      itemAdded({ sku: 'A', quantity: 1, lineQuantity: 2 }),
      { type: 'ItemQuantityChanged', data: { sku: 'B', quantity: 4, previousQuantity: 1 } },
      { type: 'ItemRemoved', data: { sku: 'C', quantity: 1 } },
      itemAdded({ sku: 'C' }),
    ]);
    expect(linesOf(state).map((l) => [l.sku, l.quantity])).toEqual([['A', 2], ['B', 4], ['C', 1]]);
    const reAdded = fold([{ type: 'ItemRemoved', data: { sku: 'A', quantity: 2 } }, itemAdded({ sku: 'A' })], state);
    expect(linesOf(reAdded).map((l) => l.sku)).toEqual(['B', 'C', 'A']);
  });

  it('recomputes the line total when the quantity changes', () => {
    const state = fold([
      cartCreated(),
      itemAdded({ sku: 'MUG', quantity: 2, unitPrice: 1250 }),
      { type: 'ItemQuantityChanged', data: { sku: 'MUG', quantity: 7, previousQuantity: 2 } },
    ]);
    expect(linesOf(state)).toEqual([{ sku: 'MUG', name: 'Item MUG', quantity: 7, unitPrice: 1250, lineTotal: 8750 }]);
  });

  it('removes a line but keeps the currency fixed', () => {
    const state = fold([cartCreated(), itemAdded({ sku: 'MUG', currency: 'CHF' }), { type: 'ItemRemoved', data: { sku: 'MUG', quantity: 1 } }]);
    expect(state).toEqual({ status: 'open', customerId: 'customer-42', currency: 'CHF', lines: [] });
  });

  it('closes the cart on checkout, keeping its lines', () => {
    expect(fold(CHECKED_OUT_HISTORY)).toEqual({
      status: 'checked_out',
      customerId: 'customer-42',
      currency: 'EUR',
      lines: [{ sku: 'MUG', name: 'Item MUG', quantity: 2, unitPrice: 1250, lineTotal: 2500 }],
    });
  });

  it('closes the cart on abandonment', () => {
    expect(fold(ABANDONED_HISTORY)).toEqual({ status: 'abandoned', customerId: 'customer-42', currency: null, lines: [] });
  });

  describe('ignores, without throwing, an event that no longer applies', () => {
    const open = fold([cartCreated(), itemAdded({ sku: 'MUG', quantity: 2 })]);
    const cases: readonly (readonly [string, CartState, CartEvent])[] = [
      ['ItemRemoved for an unknown sku', open, { type: 'ItemRemoved', data: { sku: 'NOPE', quantity: 1 } }],
      ['ItemQuantityChanged for an unknown sku', open, { type: 'ItemQuantityChanged', data: { sku: 'NOPE', quantity: 3, previousQuantity: 1 } }],
      ['ItemAdded in another currency than the fixed one', open, itemAdded({ sku: 'TEA', currency: 'USD' })],
      ['a second CartCreated', open, cartCreated('someone-else')],
      ['ItemAdded after checkout', fold(CHECKED_OUT_HISTORY), itemAdded({ sku: 'TEA' })],
      ['ItemRemoved after checkout', fold(CHECKED_OUT_HISTORY), { type: 'ItemRemoved', data: { sku: 'MUG', quantity: 2 } }],
      ['CartCheckedOut after abandonment', fold(ABANDONED_HISTORY), CHECKED_OUT_HISTORY[2]],
      ['CartAbandoned after checkout', fold(CHECKED_OUT_HISTORY), ABANDONED_HISTORY[1]],
      ['ItemAdded before the cart exists', initialState, itemAdded({ sku: 'MUG' })],
      ['CartCheckedOut before the cart exists', initialState, CHECKED_OUT_HISTORY[2]],
      ['an event type this version does not know', open, { type: 'CartRenamed', data: {} } as unknown as CartEvent],
    ];

    it.each(cases)('%s', (_label, state, event) => {
      expect(evolve(state, event)).toBe(state);
    });
  });

  it('never mutates the state it is given', () => {
    const state = deepFreeze(fold([cartCreated(), itemAdded({ sku: 'MUG', quantity: 2 }), itemAdded({ sku: 'TEA' })]));
    const next = fold(
      [
        itemAdded({ sku: 'MUG', quantity: 1, lineQuantity: 3 }),
        { type: 'ItemQuantityChanged', data: { sku: 'TEA', quantity: 4, previousQuantity: 1 } },
        { type: 'ItemRemoved', data: { sku: 'MUG', quantity: 3 } },
        ABANDONED_HISTORY[1],
      ],
      state,
    );
    expect(next).toEqual({
      status: 'abandoned',
      customerId: 'customer-42',
      currency: 'EUR',
      lines: [{ sku: 'TEA', name: 'Item TEA', quantity: 4, unitPrice: 1250, lineTotal: 5000 }],
    });
    expect(linesOf(state).map((l) => l.quantity)).toEqual([2, 1]);
  });
});

describe('cartTotals', () => {
  it('is zero for no lines', () => {
    expect(cartTotals([])).toEqual({ itemCount: 0, total: 0 });
  });

  it('sums quantities and line totals', () => {
    expect(
      cartTotals([
        { sku: 'A', name: 'A', quantity: 2, unitPrice: 1250, lineTotal: 2500 },
        { sku: 'B', name: 'B', quantity: 1000, unitPrice: 100_000_000, lineTotal: 100_000_000_000 },
      ]),
    ).toEqual({ itemCount: 1002, total: 100_000_002_500 });
  });
});

function linesOf(state: CartState) {
  if (state.status === 'none') throw new Error('expected an existing cart');
  return state.lines;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
