import { CartError, type CartErrorCode, type CartErrorKind } from './cart.errors';

describe('CartError', () => {
  const kinds: readonly (readonly [CartErrorCode, CartErrorKind])[] = [
    ['CART_NOT_FOUND', 'not_found'],
    ['ITEM_NOT_IN_CART', 'not_found'],
    ['CART_ALREADY_EXISTS', 'rule_broken'],
    ['CART_CLOSED', 'rule_broken'],
    ['CART_EMPTY', 'rule_broken'],
    ['CURRENCY_MISMATCH', 'rule_broken'],
    ['LINE_QUANTITY_LIMIT', 'rule_broken'],
    ['CART_LINES_LIMIT', 'rule_broken'],
    ['INVALID_QUANTITY', 'invalid'],
    ['INVALID_PRICE', 'invalid'],
    ['INVALID_CURRENCY', 'invalid'],
  ];

  it.each(kinds)('%s is of kind %s', (code, kind) => {
    const error = new CartError(code, 'because');
    expect(error.kind).toBe(kind);
    expect(error.code).toBe(code);
  });

  it('is a real Error with a name and message', () => {
    const error = new CartError('CART_EMPTY', 'Cannot check out an empty cart');
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(CartError);
    expect(error.name).toBe('CartError');
    expect(error.message).toBe('Cannot check out an empty cart');
    expect(error.stack).toContain('CartError');
  });
});
