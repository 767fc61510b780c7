import { ApiProperty } from '@nestjs/swagger';
import { CART_STATUSES } from './customer-carts.dto';
import type { CustomerCartView } from '@carts/read-model';
import type { CustomerCartsPage } from './customer-carts.controller';

export class CustomerCartDto implements CustomerCartView {
  @ApiProperty({ format: 'uuid' }) readonly cartId: string;
  @ApiProperty({ enum: CART_STATUSES }) readonly status: CustomerCartView['status'];
  @ApiProperty({ type: 'integer', example: 2 }) readonly itemCount: number;
  @ApiProperty({ type: 'integer', example: 3798, description: 'Minor units, in currency' }) readonly total: number;
  @ApiProperty({ type: 'string', nullable: true, example: 'EUR' }) readonly currency: string | null;
  @ApiProperty({ format: 'date-time', description: 'When the cart was created: the paging key (with cartId), never changes' }) readonly createdAt: string;
  @ApiProperty({ format: 'date-time' }) readonly updatedAt: string;
}

/** GET /customers/:customerId/carts. */
export class CustomerCartsPageDto implements CustomerCartsPage {
  @ApiProperty({ type: [CustomerCartDto], description: 'Newest first by createdAt, then cartId (descending)' }) readonly items: CustomerCartDto[];
  @ApiProperty({ type: 'string', nullable: true, description: 'Pass back as `cursor` for the next page; null on the last page' }) readonly nextCursor: string | null;
}
