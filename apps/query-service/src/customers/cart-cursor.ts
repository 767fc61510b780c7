import { validationProblem } from '@carts/http';

/** A keyset position: the (updated_at, cart_id) of the last cart of a page, exact to the microsecond. */
export interface CartCursor {
  readonly updatedAt: string;
  readonly cartId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Opaque to clients (base64url JSON), so its shape can change without breaking them. */
export const encodeCursor = (c: CartCursor): string => Buffer.from(JSON.stringify({ u: c.updatedAt, c: c.cartId })).toString('base64url');

export function decodeCursor(raw: string): CartCursor {
  try {
    const { u, c } = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { u?: unknown; c?: unknown };
    if (typeof u === 'string' && !Number.isNaN(Date.parse(u)) && typeof c === 'string' && UUID.test(c)) return { updatedAt: u, cartId: c };
  } catch {
    // fall through: not one of ours
  }
  throw validationProblem([{ field: 'cursor', message: 'cursor is not one this service issued' }]);
}
