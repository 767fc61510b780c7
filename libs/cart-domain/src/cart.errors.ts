export type CartErrorKind = 'not_found' | 'rule_broken' | 'invalid';

export type CartErrorCode =
  | 'CART_NOT_FOUND'
  | 'CART_ALREADY_EXISTS'
  | 'ITEM_NOT_IN_CART'
  | 'CART_CLOSED'
  | 'CART_EMPTY'
  | 'CURRENCY_MISMATCH'
  | 'LINE_QUANTITY_LIMIT'
  | 'CART_LINES_LIMIT'
  | 'INVALID_QUANTITY'
  | 'INVALID_PRICE'
  | 'INVALID_CURRENCY';

// The kind is what callers branch on (HTTP status, poison vs. retry); deriving it from the code
// keeps the two from ever disagreeing. ITEM_NOT_IN_CART is "not found" because it names a
// missing sub-resource (DELETE /carts/:id/items/:sku), not a broken business rule.
export const CART_ERROR_KINDS: { readonly [C in CartErrorCode]: CartErrorKind } = {
  CART_NOT_FOUND: 'not_found',
  ITEM_NOT_IN_CART: 'not_found',
  CART_ALREADY_EXISTS: 'rule_broken',
  CART_CLOSED: 'rule_broken',
  CART_EMPTY: 'rule_broken',
  CURRENCY_MISMATCH: 'rule_broken',
  LINE_QUANTITY_LIMIT: 'rule_broken',
  CART_LINES_LIMIT: 'rule_broken',
  INVALID_QUANTITY: 'invalid',
  INVALID_PRICE: 'invalid',
  INVALID_CURRENCY: 'invalid',
};

export class CartError extends Error {
  readonly code: CartErrorCode;
  readonly kind: CartErrorKind;

  constructor(code: CartErrorCode, message: string) {
    super(message);
    this.name = 'CartError';
    this.code = code;
    this.kind = CART_ERROR_KINDS[code];
  }
}
