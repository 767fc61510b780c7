import type { AddItem } from '../cart.commands';
import { CartError } from '../cart.errors';
import type { ItemAdded } from '../cart.events';
import { MAX_LINES } from '../cart.limits';
import type { CartState } from '../cart.state';
import { assertCurrency, assertUnitPrice, assertUnitsToAdd, assertWithinLineLimit, requireOpenCart } from './guards';

export function addItem(state: CartState, { data }: AddItem): readonly ItemAdded[] {
  const cart = requireOpenCart(state);
  assertUnitsToAdd(data.quantity);
  assertUnitPrice(data.unitPrice);
  assertCurrency(data.currency);

  if (cart.currency !== null && cart.currency !== data.currency) {
    throw new CartError('CURRENCY_MISMATCH', `Cart is priced in ${cart.currency}, item is in ${data.currency}`);
  }
  const existing = cart.lines.find((l) => l.sku === data.sku);
  if (!existing && cart.lines.length >= MAX_LINES) {
    throw new CartError('CART_LINES_LIMIT', `A cart holds at most ${MAX_LINES} different items`);
  }
  const lineQuantity = (existing?.quantity ?? 0) + data.quantity;
  assertWithinLineLimit(lineQuantity);

  const { sku, name, quantity, unitPrice, currency } = data;
  return [{ type: 'ItemAdded', data: { sku, name, quantity, unitPrice, currency, lineQuantity } }];
}
