import { CART_COMMAND_TYPES, type CartCommand } from './cart.commands';
import { cartDecider, decide } from './cart.decider';
import { CartError } from './cart.errors';
import { CART_EVENT_TYPES, type CartEvent } from './cart.events';
import { evolve, initialState, type CartState } from './cart.state';
import { addItem } from './testing/cart-fixtures';

describe('cart decider', () => {
  it('exposes decide, evolve and the initial state as one decider', () => {
    expect(cartDecider.decide).toBe(decide);
    expect(cartDecider.evolve).toBe(evolve);
    expect(cartDecider.initialState).toEqual({ status: 'none' });
  });

  it('lists every command and event type', () => {
    expect([...CART_COMMAND_TYPES].sort()).toEqual(
      ['Abandon', 'AddItem', 'ChangeItemQuantity', 'Checkout', 'CreateCart', 'RemoveItem'],
    );
    expect([...CART_EVENT_TYPES].sort()).toEqual(
      ['CartAbandoned', 'CartCheckedOut', 'CartCreated', 'ItemAdded', 'ItemQuantityChanged', 'ItemRemoved'],
    );
  });

  it('throws CartError (with code and kind) for a refused command', () => {
    expect(() => decide(initialState, { type: 'Checkout', data: {} })).toThrow(CartError);
    expect(() => decide(initialState, { type: 'Checkout', data: {} })).toThrow(
      expect.objectContaining({ code: 'CART_NOT_FOUND', kind: 'not_found' }),
    );
  });

  it('rejects a command type it does not know', () => {
    const bogus = { type: 'Teleport', data: {} } as unknown as CartCommand;
    expect(() => decide(initialState, bogus)).toThrow('Unknown cart command');
  });

  it('folds a whole shopping session back into the expected state', () => {
    const commands: CartCommand[] = [
      { type: 'CreateCart', data: { customerId: 'customer-9' } },
      addItem({ sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: 1250 }),
      addItem({ sku: 'TEA', name: 'Tea', quantity: 1, unitPrice: 400 }),
      addItem({ sku: 'PEN', name: 'Pen', quantity: 5, unitPrice: 99 }),
      addItem({ sku: 'MUG', name: 'Mug (sale)', quantity: 1, unitPrice: 1000 }),
      { type: 'ChangeItemQuantity', data: { sku: 'TEA', quantity: 4 } },
      { type: 'ChangeItemQuantity', data: { sku: 'TEA', quantity: 4 } },
      { type: 'RemoveItem', data: { sku: 'PEN' } },
      { type: 'Checkout', data: {} },
    ];
    const log: CartEvent[] = [];
    let state: CartState = initialState;
    for (const command of commands) {
      const events = decide(state, command);
      log.push(...events);
      state = events.reduce(evolve, state);
    }

    const expectedLines = [
      { sku: 'MUG', name: 'Mug (sale)', quantity: 3, unitPrice: 1000, lineTotal: 3000 },
      { sku: 'TEA', name: 'Tea', quantity: 4, unitPrice: 400, lineTotal: 1600 },
    ];
    expect(log.map((e) => e.type)).toEqual([
      'CartCreated', 'ItemAdded', 'ItemAdded', 'ItemAdded', 'ItemAdded', 'ItemQuantityChanged', 'ItemRemoved', 'CartCheckedOut',
    ]);
    expect(log[7]).toEqual({
      type: 'CartCheckedOut',
      data: {
        lines: expectedLines,
        itemCount: 7,
        total: 4600,
        currency: 'EUR',
      },
    });
    expect(state).toEqual({ status: 'checked_out', customerId: 'customer-9', currency: 'EUR', lines: expectedLines });
    // Replaying the log from scratch gives the same state as folding step by step.
    expect(log.reduce(evolve, initialState)).toEqual(state);
  });
});
