import { CLOSED_HISTORIES, cartCreated, checkout, itemAdded, spec } from '../testing/cart-fixtures';

describe('Checkout', () => {
  it('checks out with a snapshot of lines, item count, total and currency', () => {
    spec([
      cartCreated(),
      itemAdded({ sku: 'MUG', name: 'Blue mug', quantity: 2, unitPrice: 1250 }),
      itemAdded({ sku: 'TEA', name: 'Green tea', quantity: 3, unitPrice: 400 }),
    ])
      .when(checkout)
      .then([
        {
          type: 'CartCheckedOut',
          data: {
            lines: [
              { sku: 'MUG', name: 'Blue mug', quantity: 2, unitPrice: 1250, lineTotal: 2500 },
              { sku: 'TEA', name: 'Green tea', quantity: 3, unitPrice: 400, lineTotal: 1200 },
            ],
            itemCount: 5,
            total: 3700,
            currency: 'EUR',
          },
        },
      ]);
  });

  it('snapshots the lines as left by later changes and removals', () => {
    spec([
      cartCreated(),
      itemAdded({ sku: 'MUG', name: 'Blue mug', quantity: 2, unitPrice: 1250, currency: 'USD' }),
      itemAdded({ sku: 'TEA', name: 'Green tea', quantity: 3, unitPrice: 400, currency: 'USD' }),
      itemAdded({ sku: 'PEN', name: 'Pen', quantity: 1, unitPrice: 99, currency: 'USD' }),
      { type: 'ItemRemoved', data: { sku: 'TEA', quantity: 3 } },
      { type: 'ItemQuantityChanged', data: { sku: 'PEN', quantity: 10, previousQuantity: 1 } },
    ])
      .when(checkout)
      .then([
        {
          type: 'CartCheckedOut',
          data: {
            lines: [
              { sku: 'MUG', name: 'Blue mug', quantity: 2, unitPrice: 1250, lineTotal: 2500 },
              { sku: 'PEN', name: 'Pen', quantity: 10, unitPrice: 99, lineTotal: 990 },
            ],
            itemCount: 12,
            total: 3490,
            currency: 'USD',
          },
        },
      ]);
  });

  describe('refuses', () => {
    it('a cart that does not exist', () => {
      spec([]).when(checkout).thenThrows('CART_NOT_FOUND');
    });

    it.each(CLOSED_HISTORIES)('a %s cart (no second checkout)', (_label, history) => {
      spec(history).when(checkout).thenThrows('CART_CLOSED');
    });

    it('a cart that never had an item', () => {
      spec([cartCreated()]).when(checkout).thenThrows('CART_EMPTY');
    });

    it('a cart whose every line was removed', () => {
      spec([cartCreated(), itemAdded({ sku: 'MUG', quantity: 2 }), { type: 'ItemRemoved', data: { sku: 'MUG', quantity: 2 } }])
        .when(checkout)
        .thenThrows('CART_EMPTY');
    });
  });
});
