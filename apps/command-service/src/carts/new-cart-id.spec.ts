import { newCartId, placingCustomer } from './command-headers';

const headers = (idempotencyKey?: string, customerId: string | undefined = 'c-1') => ({ idempotencyKey, customerId });

describe('newCartId', () => {
  it('derives the id from the caller and the Idempotency-Key (UUID v5), the same across releases', () => {
    // Pinned: a retry sent after an upgrade must still reach the cart its first attempt created.
    expect(newCartId(headers('k-1'))).toBe('c14e35aa-f281-5a29-b264-afaee61a55d3');
    expect(newCartId(headers('k-1'))).toBe(newCartId(headers('k-1')));
    expect(newCartId(headers('k-2'))).not.toBe(newCartId(headers('k-1')));
  });

  it('gives two customers using the same key two carts', () => {
    expect(newCartId(headers('k-1', 'c-2'))).not.toBe(newCartId(headers('k-1', 'c-1')));
  });

  it('is a random (version 4) id without a key', () => {
    const id = newCartId(headers());
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newCartId(headers())).not.toBe(id);
  });

  it('refuses callers that are not customers: operators do not place commands', () => {
    expect(() => placingCustomer({ customerId: undefined })).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => placingCustomer(headers(undefined, 'has a space'))).toThrow(expect.objectContaining({ status: 403 }));
  });
});
