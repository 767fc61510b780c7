import type { CartCommand } from '../cart.commands';
import { CLOSED_HISTORIES, cartCreated, itemAdded, spec } from '../testing/cart-fixtures';

const change = (sku: string, quantity: number): CartCommand => ({ type: 'ChangeItemQuantity', data: { sku, quantity } });

describe('ChangeItemQuantity', () => {
  const withMugs = [cartCreated(), itemAdded({ sku: 'MUG', quantity: 2 })];

  describe('accepts', () => {
    it('a new quantity, recording the previous one', () => {
      spec(withMugs)
        .when(change('MUG', 5))
        .then([{ type: 'ItemQuantityChanged', data: { sku: 'MUG', quantity: 5, previousQuantity: 2 } }]);
    });

    it('a lower quantity', () => {
      spec([cartCreated(), itemAdded({ sku: 'MUG', quantity: 9 })])
        .when(change('MUG', 1))
        .then([{ type: 'ItemQuantityChanged', data: { sku: 'MUG', quantity: 1, previousQuantity: 9 } }]);
    });

    it('the previous quantity as left by an earlier change', () => {
      spec([...withMugs, { type: 'ItemQuantityChanged', data: { sku: 'MUG', quantity: 7, previousQuantity: 2 } }])
        .when(change('MUG', 3))
        .then([{ type: 'ItemQuantityChanged', data: { sku: 'MUG', quantity: 3, previousQuantity: 7 } }]);
    });

    it('exactly 1000 units', () => {
      spec(withMugs)
        .when(change('MUG', 1000))
        .then([{ type: 'ItemQuantityChanged', data: { sku: 'MUG', quantity: 1000, previousQuantity: 2 } }]);
    });

    it('zero as a removal of the whole line', () => {
      spec(withMugs).when(change('MUG', 0)).then([{ type: 'ItemRemoved', data: { sku: 'MUG', quantity: 2 } }]);
    });
  });

  it('records nothing when the quantity is unchanged', () => {
    spec(withMugs).when(change('MUG', 2)).thenNothing();
  });

  describe('refuses', () => {
    it('a cart that does not exist', () => {
      spec([]).when(change('MUG', 3)).thenThrows('CART_NOT_FOUND');
    });

    it.each(CLOSED_HISTORIES)('a %s cart', (_label, history) => {
      spec(history).when(change('MUG', 3)).thenThrows('CART_CLOSED');
    });

    it('a sku that is not in the cart', () => {
      spec(withMugs).when(change('TEA', 3)).thenThrows('ITEM_NOT_IN_CART');
    });

    it('a sku that was removed', () => {
      spec([...withMugs, { type: 'ItemRemoved', data: { sku: 'MUG', quantity: 2 } }])
        .when(change('MUG', 3))
        .thenThrows('ITEM_NOT_IN_CART');
    });

    it.each([-1, 2.5, Number.NaN])('quantity %p', (quantity) => {
      spec(withMugs).when(change('MUG', quantity)).thenThrows('INVALID_QUANTITY');
    });

    it('more than 1000 units, with the same code AddItem uses for the limit', () => {
      spec(withMugs).when(change('MUG', 1001)).thenThrows('LINE_QUANTITY_LIMIT');
    });

    it('a bad quantity before looking for the sku', () => {
      spec(withMugs).when(change('TEA', -1)).thenThrows('INVALID_QUANTITY');
    });
  });
});
