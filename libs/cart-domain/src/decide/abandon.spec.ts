import { CLOSED_HISTORIES, abandon, cartCreated, itemAdded, spec } from '../testing/cart-fixtures';

describe('Abandon', () => {
  it('abandons a cart that never had an item, with no currency', () => {
    spec([cartCreated()])
      .when(abandon)
      .then([{ type: 'CartAbandoned', data: { lines: [], itemCount: 0, total: 0, currency: null } }]);
  });

  it('abandons a cart with items, with a snapshot of what was left in it', () => {
    spec([
      cartCreated(),
      itemAdded({ sku: 'MUG', name: 'Blue mug', quantity: 2, unitPrice: 1250, currency: 'GBP' }),
      itemAdded({ sku: 'TEA', name: 'Green tea', quantity: 1, unitPrice: 0, currency: 'GBP' }),
    ])
      .when(abandon)
      .then([
        {
          type: 'CartAbandoned',
          data: {
            lines: [
              { sku: 'MUG', name: 'Blue mug', quantity: 2, unitPrice: 1250, lineTotal: 2500 },
              { sku: 'TEA', name: 'Green tea', quantity: 1, unitPrice: 0, lineTotal: 0 },
            ],
            itemCount: 3,
            total: 2500,
            currency: 'GBP',
          },
        },
      ]);
  });

  it('keeps the fixed currency when every line was removed before abandoning', () => {
    spec([cartCreated(), itemAdded({ sku: 'MUG', currency: 'JPY' }), { type: 'ItemRemoved', data: { sku: 'MUG', quantity: 1 } }])
      .when(abandon)
      .then([{ type: 'CartAbandoned', data: { lines: [], itemCount: 0, total: 0, currency: 'JPY' } }]);
  });

  describe('refuses', () => {
    it('a cart that does not exist', () => {
      spec([]).when(abandon).thenThrows('CART_NOT_FOUND');
    });

    it.each(CLOSED_HISTORIES)('a %s cart', (_label, history) => {
      spec(history).when(abandon).thenThrows('CART_CLOSED');
    });
  });
});
