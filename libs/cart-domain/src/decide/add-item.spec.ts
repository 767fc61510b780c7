import type { CartEvent } from '../cart.events';
import { MAX_LINES, MAX_UNIT_PRICE } from '../cart.limits';
import { CLOSED_HISTORIES, addItem, cartCreated, itemAdded, spec } from '../testing/cart-fixtures';

describe('AddItem', () => {
  describe('accepts', () => {
    it('the first item, which fixes the currency', () => {
      spec([cartCreated()])
        .when(addItem({ sku: 'MUG', name: 'Blue mug', quantity: 2, unitPrice: 1250, currency: 'EUR' }))
        .then([
          {
            type: 'ItemAdded',
            data: { sku: 'MUG', name: 'Blue mug', quantity: 2, unitPrice: 1250, currency: 'EUR', lineQuantity: 2 },
          },
        ]);
    });

    it('the same sku again: adds to the line and records the latest name and price', () => {
      spec([cartCreated(), itemAdded({ sku: 'MUG', name: 'Blue mug', quantity: 2, unitPrice: 1250 })])
        .when(addItem({ sku: 'MUG', name: 'Blue mug v2', quantity: 3, unitPrice: 1300, currency: 'EUR' }))
        .then([
          {
            type: 'ItemAdded',
            data: { sku: 'MUG', name: 'Blue mug v2', quantity: 3, unitPrice: 1300, currency: 'EUR', lineQuantity: 5 },
          },
        ]);
    });

    it('a second sku in the same currency as a new line', () => {
      spec([cartCreated(), itemAdded({ sku: 'MUG', quantity: 4 })])
        .when(addItem({ sku: 'TEA', name: 'Green tea', quantity: 1, unitPrice: 399 }))
        .then([
          {
            type: 'ItemAdded',
            data: { sku: 'TEA', name: 'Green tea', quantity: 1, unitPrice: 399, currency: 'EUR', lineQuantity: 1 },
          },
        ]);
    });

    it('a free item (price 0) and the maximum price', () => {
      spec([cartCreated()])
        .when(addItem({ sku: 'GIFT', name: 'Gift', unitPrice: 0 }))
        .then([{ type: 'ItemAdded', data: { sku: 'GIFT', name: 'Gift', quantity: 1, unitPrice: 0, currency: 'EUR', lineQuantity: 1 } }]);
      spec([cartCreated()])
        .when(addItem({ sku: 'CAR', name: 'Car', unitPrice: MAX_UNIT_PRICE }))
        .then([
          { type: 'ItemAdded', data: { sku: 'CAR', name: 'Car', quantity: 1, unitPrice: 100_000_000, currency: 'EUR', lineQuantity: 1 } },
        ]);
    });

    it('filling a line to exactly 1000 units', () => {
      spec([cartCreated(), itemAdded({ sku: 'PIN', quantity: 999 })])
        .when(addItem({ sku: 'PIN', name: 'Pin', quantity: 1, unitPrice: 5 }))
        .then([{ type: 'ItemAdded', data: { sku: 'PIN', name: 'Pin', quantity: 1, unitPrice: 5, currency: 'EUR', lineQuantity: 1000 } }]);
    });

    it('the fixed currency again after every line was removed', () => {
      spec([cartCreated(), itemAdded({ sku: 'MUG' }), { type: 'ItemRemoved', data: { sku: 'MUG', quantity: 1 } }])
        .when(addItem({ sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 1250, currency: 'EUR' }))
        .then([{ type: 'ItemAdded', data: { sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 1250, currency: 'EUR', lineQuantity: 1 } }]);
    });

    it('more units of an existing sku when the cart already has 100 lines', () => {
      spec([cartCreated(), ...hundredLines()])
        .when(addItem({ sku: 'SKU-0', name: 'Item SKU-0', quantity: 1, unitPrice: 1250 }))
        .then([
          { type: 'ItemAdded', data: { sku: 'SKU-0', name: 'Item SKU-0', quantity: 1, unitPrice: 1250, currency: 'EUR', lineQuantity: 2 } },
        ]);
    });
  });

  describe('refuses', () => {
    it('a cart that does not exist', () => {
      spec([]).when(addItem({ sku: 'MUG' })).thenThrows('CART_NOT_FOUND');
    });

    it.each(CLOSED_HISTORIES)('a %s cart', (_label, history) => {
      spec(history).when(addItem({ sku: 'MUG' })).thenThrows('CART_CLOSED');
    });

    it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('quantity %p', (quantity) => {
      spec([cartCreated()]).when(addItem({ sku: 'MUG', quantity })).thenThrows('INVALID_QUANTITY');
    });

    it.each([-1, 12.5, MAX_UNIT_PRICE + 1, Number.NaN, Number.POSITIVE_INFINITY])('unit price %p', (unitPrice) => {
      spec([cartCreated()]).when(addItem({ sku: 'MUG', unitPrice })).thenThrows('INVALID_PRICE');
    });

    it.each(['eur', 'EURO', 'EU', 'E1R', '', ' EUR'])('currency %p', (currency) => {
      spec([cartCreated()]).when(addItem({ sku: 'MUG', currency })).thenThrows('INVALID_CURRENCY');
    });

    it('a currency other than the one the first item fixed', () => {
      spec([cartCreated(), itemAdded({ sku: 'MUG', currency: 'EUR' })])
        .when(addItem({ sku: 'TEA', currency: 'USD' }))
        .thenThrows('CURRENCY_MISMATCH');
    });

    it('another currency even after every line was removed (the currency stays fixed)', () => {
      spec([cartCreated(), itemAdded({ sku: 'MUG', currency: 'EUR' }), { type: 'ItemRemoved', data: { sku: 'MUG', quantity: 1 } }])
        .when(addItem({ sku: 'MUG', currency: 'GBP' }))
        .thenThrows('CURRENCY_MISMATCH');
    });

    it('going past 1000 units on an existing line', () => {
      spec([cartCreated(), itemAdded({ sku: 'PIN', quantity: 1000 })])
        .when(addItem({ sku: 'PIN', quantity: 1 }))
        .thenThrows('LINE_QUANTITY_LIMIT');
    });

    it('more than 1000 units in a single add', () => {
      spec([cartCreated()]).when(addItem({ sku: 'PIN', quantity: 1001 })).thenThrows('LINE_QUANTITY_LIMIT');
    });

    it('a 101st different sku', () => {
      spec([cartCreated(), ...hundredLines()]).when(addItem({ sku: 'ONE-TOO-MANY' })).thenThrows('CART_LINES_LIMIT');
    });
  });

  describe('checks in order: cart state, then input, then rules', () => {
    it('reports a missing cart before a bad quantity', () => {
      spec([]).when(addItem({ sku: 'MUG', quantity: 0 })).thenThrows('CART_NOT_FOUND');
    });

    it('reports a closed cart before a bad price', () => {
      spec(CLOSED_HISTORIES[0][1]).when(addItem({ sku: 'MUG', unitPrice: -5 })).thenThrows('CART_CLOSED');
    });

    it('reports a malformed currency rather than a mismatch', () => {
      spec([cartCreated(), itemAdded({ sku: 'MUG', currency: 'EUR' })])
        .when(addItem({ sku: 'TEA', currency: 'usd' }))
        .thenThrows('INVALID_CURRENCY');
    });
  });
});

function hundredLines(): CartEvent[] {
  expect(MAX_LINES).toBe(100);
  return Array.from({ length: 100 }, (_, i) => itemAdded({ sku: `SKU-${i}` }));
}
