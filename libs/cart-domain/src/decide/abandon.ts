import type { Abandon } from '../cart.commands';
import type { CartAbandoned } from '../cart.events';
import { cartTotals, type CartState } from '../cart.state';
import { requireOpenCart } from './guards';

export function abandon(state: CartState, _command: Abandon): readonly CartAbandoned[] {
  const cart = requireOpenCart(state);
  // An empty cart may be abandoned too; its snapshot (currency null if never priced) lets an
  // abandoned-cart report count it without replaying the stream.
  return [
    {
      type: 'CartAbandoned',
      data: { lines: [...cart.lines], ...cartTotals(cart.lines), currency: cart.currency },
    },
  ];
}
