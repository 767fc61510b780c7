import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ApiProblem, header, RETRY_AFTER } from '@carts/http';

/** `ETag` of a cart: its version, quoted. */
export const CART_ETAG = { ETag: header('The cart\'s version, quoted: "4". Send it back as If-None-Match for a 304', { type: 'string', pattern: '^"\\d+"$' }) };

/** Every query endpoint with parameters refuses bad ones the same way. */
export const ApiBadQuery = () => ApiProblem(400, 'An invalid path or query parameter (the `errors` list names each), or an unknown query parameter');

/** GET /carts/:cartId: 200 with ETag, 304, 400, 404, 503 (read-your-writes not reached in time). */
export function ApiCartResponses(type: new () => unknown) {
  return applyDecorators(
    ApiResponse({ status: 200, description: 'The cart as the cart-details read model has it; ETag is its version', type,
      headers: { ...CART_ETAG, 'Cache-Control': header('`no-cache`: revalidate with If-None-Match') } }),
    ApiResponse({ status: 304, description: 'If-None-Match names the version the read model has: no body', headers: CART_ETAG }),
    ApiBadQuery(),
    ApiProblem(404, 'The read model has no such cart (yet): `urn:carts:problem:cart-not-found`, with `cartId`'),
    ApiProblem(503, 'minVersion was not reached within waitMs: `urn:carts:problem:service-unavailable`, with `cartId`, `minVersion` and the `version` the read model has; ' +
      `or ${DATABASE_UNAVAILABLE}`, RETRY_AFTER),
  );
}

const DATABASE_UNAVAILABLE = 'the read-model database is unavailable (stopped, refusing connections, a statement timeout): `urn:carts:problem:service-unavailable` with `code: DATABASE_UNAVAILABLE`';

/** Every query endpoint: 503 with Retry-After while the database is unavailable (DatabaseUnavailableInterceptor). */
export const ApiDatabaseUnavailable = () => ApiProblem(503, `The ${DATABASE_UNAVAILABLE.replace(/^the /, '')}`, RETRY_AFTER);
