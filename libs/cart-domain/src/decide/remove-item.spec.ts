import type { CartCommand } from '../cart.commands';
import { CLOSED_HISTORIES, cartCreated, itemAdded, spec } from '../testing/cart-fixtures';

const remove = (sku: string): CartCommand => ({ type: 'RemoveItem', data: { sku } });

describe('RemoveItem', () => {
  it('removes the line, recording the units it held', () => {
    spec([cartCreated(), itemAdded({ sku: 'MUG', quantity: 2 }), itemAdded({ sku: 'TEA', quantity: 1 })])
      .when(remove('MUG'))
      .then([{ type: 'ItemRemoved', data: { sku: 'MUG', quantity: 2 } }]);
  });

  it('records the whole line quantity after several adds and a change', () => {
    spec([
      cartCreated(),
      itemAdded({ sku: 'MUG', quantity: 2 }),
      itemAdded({ sku: 'MUG', quantity: 3, lineQuantity: 5 }),
      { type: 'ItemQuantityChanged', data: { sku: 'MUG', quantity: 8, previousQuantity: 5 } },
    ])
      .when(remove('MUG'))
      .then([{ type: 'ItemRemoved', data: { sku: 'MUG', quantity: 8 } }]);
  });

  describe('refuses', () => {
    it('a cart that does not exist', () => {
      spec([]).when(remove('MUG')).thenThrows('CART_NOT_FOUND');
    });

    it.each(CLOSED_HISTORIES)('a %s cart', (_label, history) => {
      spec(history).when(remove('MUG')).thenThrows('CART_CLOSED');
    });

    it('a sku that is not in the cart', () => {
      spec([cartCreated(), itemAdded({ sku: 'MUG' })]).when(remove('TEA')).thenThrows('ITEM_NOT_IN_CART');
    });

    it('a sku removed already (removal is not silently repeated)', () => {
      spec([cartCreated(), itemAdded({ sku: 'MUG' }), { type: 'ItemRemoved', data: { sku: 'MUG', quantity: 1 } }])
        .when(remove('MUG'))
        .thenThrows('ITEM_NOT_IN_CART');
    });
  });
});
