import { ProblemError } from '@carts/http';
import { decodeCursor, encodeCursor } from './cart-cursor';

describe('customer carts cursor', () => {
  it('round-trips a keyset position exactly, microseconds included', () => {
    const position = { createdAt: '2026-01-01T10:00:00.123456+00:00', cartId: '0b8e5c1a-9a0e-4f43-8f3c-6b2a8c1d2e3f' };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it.each(['', 'not-base64!', Buffer.from('[]').toString('base64url'), Buffer.from('{"u":"yesterday","c":"0b8e5c1a-9a0e-4f43-8f3c-6b2a8c1d2e3f"}').toString('base64url'),
    Buffer.from('{"u":"2026-01-01T00:00:00Z","c":"x\'; drop table carts"}').toString('base64url'),
    // A cursor of the earlier updated_at order: a position in another order, refused rather than misread.
    Buffer.from('{"u":"2026-01-01T00:00:00Z","c":"0b8e5c1a-9a0e-4f43-8f3c-6b2a8c1d2e3f"}').toString('base64url'),
    Buffer.from('{"k":"2026-01-01T00:00:00Z","c":"x\'; drop table carts"}').toString('base64url')])('refuses %p with a 400 problem', (raw) => {
    expect(() => decodeCursor(raw)).toThrow(ProblemError);
    try {
      decodeCursor(raw);
    } catch (error) {
      expect((error as ProblemError).status).toBe(400);
    }
  });
});
