import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ID_PATTERN, IsIdentifierParam, OptionalIntParam } from '../shared/query-params';

export const CART_STATUSES = ['open', 'checked_out', 'abandoned'] as const;

export class CustomerParams {
  @ApiProperty({ example: 'c-1', pattern: ID_PATTERN.source })
  @IsIdentifierParam('customerId')
  readonly customerId: string;
}

export class CustomerCartsQueryDto {
  @ApiPropertyOptional({ enum: CART_STATUSES })
  @IsOptional()
  @IsIn([...CART_STATUSES], { message: `status must be one of ${CART_STATUSES.join(', ')}` })
  readonly status?: (typeof CART_STATUSES)[number];

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @OptionalIntParam('limit', 1, 100)
  readonly limit?: number;

  @ApiPropertyOptional({ description: 'Opaque: the nextCursor of the previous page' })
  @IsOptional()
  @IsString({ message: 'cursor must be a string' })
  @MaxLength(300, { message: 'cursor is not one this service issued' })
  readonly cursor?: string;
}
