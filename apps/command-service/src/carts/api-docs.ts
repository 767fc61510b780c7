import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiHeader, ApiNotFoundResponse, ApiPayloadTooLargeResponse, ApiPreconditionFailedResponse,
  ApiProperty, ApiPropertyOptional, ApiServiceUnavailableResponse, ApiUnprocessableEntityResponse, ApiUnsupportedMediaTypeResponse } from '@nestjs/swagger';
import { ProblemType } from '@carts/http';

export class FieldErrorDto {
  @ApiProperty({ example: 'quantity' }) readonly field: string;
  @ApiProperty({ example: 'quantity must be at most 1000' }) readonly message: string;
}

/** RFC 9457 problem details, as every error of this service is answered (application/problem+json). */
export class ProblemDto {
  @ApiProperty({ example: ProblemType.validation, enum: Object.values(ProblemType) }) readonly type: string;
  @ApiProperty({ example: 'Invalid request' }) readonly title: string;
  @ApiProperty({ example: 400 }) readonly status: number;
  @ApiProperty({ example: 'Invalid field(s): quantity' }) readonly detail: string;
  @ApiPropertyOptional({ example: '/carts/0d5a3c1e-8f0b-4c55-9c1e-3f1a2b4c5d6e/items' }) readonly instance?: string;
  @ApiPropertyOptional({ example: 'CART_CLOSED', description: 'Stable code of the broken rule (404, 409, 412, 422, 503 from the writer)' }) readonly code?: string;
  @ApiPropertyOptional({ example: 4, description: "The cart's version when the command was refused" }) readonly currentVersion?: number;
  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Validation only: one entry per invalid field' }) readonly errors?: FieldErrorDto[];
}

const problem = (description: string) => ({ description, type: ProblemDto, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } } });

export const IDEMPOTENCY_KEY_HEADER = ApiHeader({
  name: 'Idempotency-Key', required: false,
  description: '1-128 visible ASCII characters, scoped to the cart. A retry with the same key and request returns the first response and appends nothing; another request with the same key is a 422',
});

/** Headers and error responses every write endpoint shares. */
export function CommandEndpoint(opts: { ifMatch: boolean; cartMustExist: boolean }) {
  const decorators = [
    IDEMPOTENCY_KEY_HEADER,
    ApiHeader({ name: 'X-Correlation-Id', required: false, description: '1-128 visible ASCII characters, copied into the events and echoed back; generated when absent' }),
    ApiBadRequestResponse(problem('Malformed JSON, an invalid field (the `errors` list names each), a non-UUID cart id, or a bad header')),
    ApiConflictResponse(problem('A business rule is broken (`code`: CART_CLOSED, CART_EMPTY, CURRENCY_MISMATCH, LINE_QUANTITY_LIMIT, CART_LINES_LIMIT, CART_ALREADY_EXISTS)')),
    ApiPayloadTooLargeResponse(problem('The body is over 16 KiB')),
    ApiUnsupportedMediaTypeResponse(problem('The body is not application/json')),
    ApiUnprocessableEntityResponse(problem('The Idempotency-Key was used with a different request (`code`: IDEMPOTENCY_KEY_REUSED)')),
    ApiServiceUnavailableResponse(problem('The broker is unavailable or the command was not processed in time; see Retry-After. Retry with the same Idempotency-Key')),
  ];
  if (opts.ifMatch) {
    decorators.push(
      ApiHeader({ name: 'If-Match', required: false, description: 'A quoted version such as "3": apply only if the cart is at that version ("0": only if it does not exist). `*`: only if the cart exists, at any version (RFC 9110); a missing cart is then a 412' }),
      ApiPreconditionFailedResponse(problem('If-Match differs from the cart\'s version, or is `*` and the cart does not exist (`code`: VERSION_CONFLICT); the ETag header carries the current version')),
    );
  }
  if (opts.cartMustExist) decorators.push(ApiNotFoundResponse(problem('Unknown cart (`code`: CART_NOT_FOUND) or sku not in the cart (`code`: ITEM_NOT_IN_CART)')));
  return applyDecorators(...decorators);
}
