import { newCartId } from './command-headers';

const headers = (idempotencyKey?: string) => ({ idempotencyKey });

describe('newCartId', () => {
  it('derives the id from the Idempotency-Key (UUID v5), the same across releases', () => {
    // Pinned: a retry sent after an upgrade must still reach the cart its first attempt created.
    expect(newCartId(headers('k-1'))).toBe('76d73319-3754-5dd0-b67b-79e78b756027');
    expect(newCartId(headers('k-1'))).toBe(newCartId(headers('k-1')));
    expect(newCartId(headers('k-2'))).not.toBe(newCartId(headers('k-1')));
  });

  it('is a random (version 4) id without a key', () => {
    const id = newCartId(headers());
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newCartId(headers())).not.toBe(id);
  });
});
