import { ApiProperty } from '@nestjs/swagger';
import { CART_STATUSES } from '../customers/customer-carts.dto';
import type { CartView } from '@carts/read-model';

export class CartLineDto {
  @ApiProperty({ example: 'sku-42' }) readonly sku: string;
  @ApiProperty({ example: 'Espresso beans 1kg' }) readonly name: string;
  @ApiProperty({ type: 'integer', example: 2, minimum: 1 }) readonly quantity: number;
  @ApiProperty({ type: 'integer', example: 1899, minimum: 0, description: 'Minor units (cents)' }) readonly unitPrice: number;
  @ApiProperty({ type: 'integer', example: 3798, minimum: 0, description: 'quantity × unitPrice, minor units' }) readonly lineTotal: number;
}

/** GET /carts/:cartId. */
export class CartViewDto implements CartView {
  @ApiProperty({ format: 'uuid', example: '0d5a3c1e-8f0b-4c55-9c1e-3f1a2b4c5d6e' }) readonly cartId: string;
  @ApiProperty({ example: 'c-1' }) readonly customerId: string;
  @ApiProperty({ enum: CART_STATUSES }) readonly status: CartView['status'];
  @ApiProperty({ type: 'string', nullable: true, example: 'EUR', description: 'Fixed by the first item; null while the cart is empty and was never priced' }) readonly currency: string | null;
  @ApiProperty({ type: [CartLineDto] }) readonly items: CartLineDto[];
  @ApiProperty({ type: 'integer', example: 2, description: 'Units in the cart' }) readonly itemCount: number;
  @ApiProperty({ type: 'integer', example: 3798, description: 'Minor units, in currency' }) readonly total: number;
  @ApiProperty({ type: 'integer', example: 2, minimum: 1, description: "The cart's version (also the ETag)" }) readonly version: number;
  @ApiProperty({ format: 'date-time' }) readonly createdAt: string;
  @ApiProperty({ format: 'date-time' }) readonly updatedAt: string;
}
