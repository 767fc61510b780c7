import type { RemoveItem } from '../cart.commands';
import type { ItemRemoved } from '../cart.events';
import type { CartState } from '../cart.state';
import { requireLine, requireOpenCart } from './guards';

export function removeItem(state: CartState, { data }: RemoveItem): readonly ItemRemoved[] {
  const cart = requireOpenCart(state);
  const line = requireLine(cart, data.sku);
  // Carries the units removed so a projection can adjust counts without knowing the line.
  return [{ type: 'ItemRemoved', data: { sku: line.sku, quantity: line.quantity } }];
}
