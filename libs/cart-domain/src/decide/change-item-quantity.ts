import type { ChangeItemQuantity } from '../cart.commands';
import type { ItemQuantityChanged, ItemRemoved } from '../cart.events';
import type { CartState } from '../cart.state';
import { assertLineQuantity, requireLine, requireOpenCart } from './guards';

export function changeItemQuantity(
  state: CartState,
  { data }: ChangeItemQuantity,
): readonly (ItemQuantityChanged | ItemRemoved)[] {
  const cart = requireOpenCart(state);
  assertLineQuantity(data.quantity);
  const line = requireLine(cart, data.sku);

  // Zero means "take it out": recorded as a removal so projections see one way to lose a line.
  if (data.quantity === 0) {
    return [{ type: 'ItemRemoved', data: { sku: line.sku, quantity: line.quantity } }];
  }
  // Setting the quantity it already has changes nothing, so nothing is recorded.
  if (data.quantity === line.quantity) return [];

  return [
    {
      type: 'ItemQuantityChanged',
      data: { sku: line.sku, quantity: data.quantity, previousQuantity: line.quantity },
    },
  ];
}
