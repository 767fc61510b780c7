import type { CreateCart } from '../cart.commands';
import { CartError } from '../cart.errors';
import type { CartCreated } from '../cart.events';
import type { CartState } from '../cart.state';

export function createCart(state: CartState, { data }: CreateCart): readonly CartCreated[] {
  // Creating twice is refused rather than ignored: a retried create with the same cart id is the
  // caller's idempotency concern (envelope/command id), not a silent success here.
  if (state.status !== 'none') {
    throw new CartError('CART_ALREADY_EXISTS', 'Cart already exists');
  }
  return [{ type: 'CartCreated', data: { customerId: data.customerId } }];
}
