import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { HeaderObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ProblemType } from './problem';

/** The media type of every error body (RFC 9457). */
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

export class FieldErrorDto {
  @ApiProperty({ example: 'quantity' }) readonly field: string;
  @ApiProperty({ example: 'quantity must be at most 1000' }) readonly message: string;
}

/** RFC 9457 problem details, as every error of both services is answered. Extension members vary by problem. */
export class ProblemDto {
  @ApiProperty({ example: ProblemType.validation, enum: Object.values(ProblemType) }) readonly type: string;
  @ApiProperty({ example: 'Invalid request' }) readonly title: string;
  @ApiProperty({ example: 400, type: 'integer', minimum: 400, maximum: 599 }) readonly status: number;
  @ApiProperty({ example: 'Invalid field(s): quantity' }) readonly detail: string;
  @ApiPropertyOptional({ example: '/carts/0d5a3c1e-8f0b-4c55-9c1e-3f1a2b4c5d6e/items', description: 'The request path (and query)' }) readonly instance?: string;
  @ApiPropertyOptional({ example: 'CART_CLOSED', description: 'Stable code of the broken rule (the writer\'s 404, 409, 412, 422, 503)' }) readonly code?: string;
  @ApiPropertyOptional({ example: '0d5a3c1e-8f0b-4c55-9c1e-3f1a2b4c5d6e', format: 'uuid' }) readonly cartId?: string;
  @ApiPropertyOptional({ example: 4, type: 'integer', description: "The cart's version when the command was refused (0: it does not exist)" }) readonly currentVersion?: number;
  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Validation only: one entry per invalid field' }) readonly errors?: FieldErrorDto[];
}

export const header = (description: string, schema: HeaderObject['schema'] = { type: 'string' }, required = true): HeaderObject => ({ description, required, schema });

/** `Retry-After` on every 503. */
export const RETRY_AFTER = { 'Retry-After': header('Seconds to wait before retrying', { type: 'integer', minimum: 1 }) };

/** One error response: an RFC 9457 body as application/problem+json, with the headers it carries. */
export function ApiProblem(status: number, description: string, headers: Record<string, HeaderObject> = {}) {
  return applyDecorators(
    ApiExtraModels(ProblemDto, FieldErrorDto),
    ApiResponse({ status, description, headers, content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: getSchemaPath(ProblemDto) } } } }),
  );
}
