import { ApiProperty } from '@nestjs/swagger';
import { IsCartId, IsIdentifier, ID_PATTERN } from './field-rules';

const CART_ID = { example: '0d5a3c1e-8f0b-4c55-9c1e-3f1a2b4c5d6e', format: 'uuid', description: 'The cart id returned by POST /carts' };

export class CartParams {
  @ApiProperty(CART_ID)
  @IsCartId()
  readonly cartId: string;
}

export class CartItemParams {
  @ApiProperty(CART_ID)
  @IsCartId()
  readonly cartId: string;

  @ApiProperty({ example: 'sku-123', pattern: ID_PATTERN.source, description: '1-64 characters of [A-Za-z0-9._-]' })
  @IsIdentifier('sku')
  readonly sku: string;
}
