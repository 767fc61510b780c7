import { applyDecorators, HttpCode, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { ApiProblem, header, RETRY_AFTER } from '@carts/http';
import { CartVersionDto } from './cart-version.dto';
import { OutcomeResponseInterceptor } from './outcome-response';

export { FieldErrorDto, ProblemDto } from '@carts/http';

export const IDEMPOTENCY_KEY_HEADER = ApiHeader({
  name: 'Idempotency-Key', required: false,
  description: '1-128 visible ASCII characters, scoped to the cart. A retry with the same key and request returns the first response and appends nothing; another request with the same key is a 422',
});

const ETAG = { ETag: header('The cart\'s version after the command, quoted: "4"', { type: 'string', pattern: '^"\\d+"$' }) };
const CORRELATION_ID = { 'X-Correlation-Id': header('The request\'s X-Correlation-Id, or the one generated for it; copied into every event the command appends') };

const LOCATION = { Location: header('Where the new cart can be read: the query service\'s URL (QUERY_SERVICE_PUBLIC_URL) + /carts/<id>', { type: 'string', format: 'uri' }) };

export interface CommandEndpointOptions {
  readonly summary: string;
  /** What a success means: the cart's new version in the body and as ETag; `Location` on 201. */
  readonly accepted: string;
  readonly status?: 200 | 201;
  /** A missing cart (or sku) is a 404; false only where the command creates the cart. */
  readonly cartMustExist?: boolean;
}

/**
 * A command endpoint, declared for OpenAPI and applied: its success status, the interceptor that
 * turns the outcome into the response (outcome-response.ts), and the headers and error responses
 * every command shares.
 */
export function CommandEndpoint({ summary, accepted, status = 200, cartMustExist = true }: CommandEndpointOptions) {
  const decorators = [
    HttpCode(status),
    UseInterceptors(OutcomeResponseInterceptor),
    ApiResponse({ status, description: accepted, type: CartVersionDto, headers: { ...ETAG, ...CORRELATION_ID, ...(status === 201 ? LOCATION : {}) } }),
    IDEMPOTENCY_KEY_HEADER,
    ApiHeader({ name: 'X-Correlation-Id', required: false, description: '1-128 visible ASCII characters, copied into the events and echoed back; generated when absent' }),
    ApiProblem(400, 'Malformed JSON, an invalid field (the `errors` list names each), a non-UUID cart id, or a bad header'),
    ApiProblem(409, 'A business rule is broken (`code`: CART_CLOSED, CART_EMPTY, CURRENCY_MISMATCH, LINE_QUANTITY_LIMIT, CART_LINES_LIMIT, CART_ALREADY_EXISTS)', CORRELATION_ID),
    ApiProblem(413, 'The body is over 16 KiB'),
    ApiProblem(415, 'The body is not application/json'),
    ApiProblem(422, 'The Idempotency-Key was used with a different request (`code`: IDEMPOTENCY_KEY_REUSED)', CORRELATION_ID),
    ApiProblem(503, 'The broker is unavailable or the command was not processed in time; see Retry-After. Retry with the same Idempotency-Key', RETRY_AFTER),
    ApiHeader({
      name: 'If-Match', required: false,
      description: 'A quoted version such as "3": apply only if the cart is at that version ("0": only if it does not exist). `*`: only if the cart exists, at any version (RFC 9110); a missing cart is then a 412',
    }),
    ApiProblem(412, 'If-Match differs from the cart\'s version, or is `*` and the cart does not exist (`code`: VERSION_CONFLICT); ETag carries the current version',
      { ETag: header('The cart\'s current version, quoted'), ...CORRELATION_ID }),
  ];
  if (cartMustExist) decorators.push(ApiProblem(404, 'Unknown cart (`code`: CART_NOT_FOUND) or sku not in the cart (`code`: ITEM_NOT_IN_CART)', CORRELATION_ID));
  decorators.push(ApiOperation({ summary }));
  return applyDecorators(...decorators);
}
