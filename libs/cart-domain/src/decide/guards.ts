import { CartError } from '../cart.errors';
import type { CartLine } from '../cart.events';
import { MAX_LINE_QUANTITY, MAX_UNIT_PRICE } from '../cart.limits';
import type { CartState, ExistingCart } from '../cart.state';

// Shared checks, in the order every decision applies them: does the cart exist and accept
// changes (state), is the command well formed (input), then the business rules themselves.

export function requireOpenCart(state: CartState): ExistingCart {
  if (state.status === 'none') throw new CartError('CART_NOT_FOUND', 'Cart does not exist');
  if (state.status !== 'open') {
    throw new CartError('CART_CLOSED', `Cart is ${state.status} and can no longer change`);
  }
  return state;
}

export function requireLine(cart: ExistingCart, sku: string): CartLine {
  const line = cart.lines.find((l) => l.sku === sku);
  if (!line) throw new CartError('ITEM_NOT_IN_CART', `Item ${sku} is not in the cart`);
  return line;
}

/** Units to add: a whole number of at least one. */
export function assertUnitsToAdd(quantity: number): void {
  if (!Number.isInteger(quantity) || quantity < 1) {
    throw new CartError('INVALID_QUANTITY', `Quantity must be a whole number of at least 1, got ${quantity}`);
  }
}

/** A line's new quantity: a whole number from 0 (remove) up to the per-line limit. */
export function assertLineQuantity(quantity: number): void {
  if (!Number.isInteger(quantity) || quantity < 0) {
    throw new CartError('INVALID_QUANTITY', `Quantity must be a whole number of at least 0, got ${quantity}`);
  }
  // Same code as AddItem going over the limit: one rule, one code, however it is reached.
  assertWithinLineLimit(quantity);
}

export function assertWithinLineLimit(lineQuantity: number): void {
  if (lineQuantity > MAX_LINE_QUANTITY) {
    throw new CartError(
      'LINE_QUANTITY_LIMIT',
      `A line holds at most ${MAX_LINE_QUANTITY} units, this would make ${lineQuantity}`,
    );
  }
}

/** Integer minor units, so money is exact and no float ever reaches a total. */
export function assertUnitPrice(unitPrice: number): void {
  if (!Number.isInteger(unitPrice) || unitPrice < 0 || unitPrice > MAX_UNIT_PRICE) {
    throw new CartError(
      'INVALID_PRICE',
      `Unit price must be a whole number of minor units from 0 to ${MAX_UNIT_PRICE}, got ${unitPrice}`,
    );
  }
}

const ISO_4217_ALPHA = /^[A-Z]{3}$/;

export function assertCurrency(currency: string): void {
  if (typeof currency !== 'string' || !ISO_4217_ALPHA.test(currency)) {
    throw new CartError('INVALID_CURRENCY', `Currency must be an ISO 4217 code like "EUR", got "${currency}"`);
  }
}
