import { validationProblem } from '@carts/http';
import type { CustomerCartsPosition } from '@carts/read-model';

export type CartCursor = CustomerCartsPosition;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Opaque to clients (base64url JSON), so its shape can change without breaking them. The key is
 * `k` (creation time), not the `u` (update time) of earlier cursors: an old cursor is refused with
 * a 400 rather than silently read as a position in another order.
 */
export const encodeCursor = (c: CartCursor): string => Buffer.from(JSON.stringify({ k: c.createdAt, c: c.cartId })).toString('base64url');

export function decodeCursor(raw: string): CartCursor {
  try {
    const { k, c } = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { k?: unknown; c?: unknown };
    if (typeof k === 'string' && !Number.isNaN(Date.parse(k)) && typeof c === 'string' && UUID.test(c)) return { createdAt: k, cartId: c };
  } catch {
    // fall through: not one of ours
  }
  throw validationProblem([{ field: 'cursor', message: 'cursor is not one this service issued' }]);
}
