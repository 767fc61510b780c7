import type { Checkout } from '../cart.commands';
import { CartError } from '../cart.errors';
import type { CartCheckedOut } from '../cart.events';
import { cartTotals, type CartState } from '../cart.state';
import { requireOpenCart } from './guards';

export function checkout(state: CartState, _command: Checkout): readonly CartCheckedOut[] {
  const cart = requireOpenCart(state);
  // A non-empty cart always has a currency (the first item fixed it); the null check only
  // narrows the type.
  if (cart.lines.length === 0 || cart.currency === null) {
    throw new CartError('CART_EMPTY', 'Cannot check out an empty cart');
  }
  // The event snapshots lines and totals so an order projection needs nothing else.
  return [
    {
      type: 'CartCheckedOut',
      data: { lines: [...cart.lines], ...cartTotals(cart.lines), currency: cart.currency },
    },
  ];
}
