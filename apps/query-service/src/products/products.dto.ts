import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { TOP_BY, type TopBy } from '@carts/read-model';
import { ID_PATTERN, IsIdentifierParam, OptionalIntParam } from '../shared/query-params';

export class SkuParams {
  @ApiProperty({ example: 'sku-123', pattern: ID_PATTERN.source })
  @IsIdentifierParam('sku')
  readonly sku: string;
}

export class TopProductsQueryDto {
  @ApiProperty({ enum: TOP_BY, description: 'added: units added to carts; purchased: units checked out; revenue: checkout revenue in `currency`; abandoned: units in abandoned carts' })
  @IsIn([...TOP_BY], { message: `by must be one of ${TOP_BY.join(', ')}` })
  readonly by: TopBy;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 10 })
  @OptionalIntParam('limit', 1, 100)
  readonly limit?: number;

  @ApiPropertyOptional({ example: 'EUR', description: 'Required with by=revenue (amounts in different currencies cannot be ranked together); not allowed otherwise' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as EUR' })
  readonly currency?: string;
}
