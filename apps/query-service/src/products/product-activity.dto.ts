import { ApiProperty } from '@nestjs/swagger';
import { TOP_BY, type ProductActivityView, type RankedProduct, type TopBy } from '@carts/read-model';

const count = (description: string) => ApiProperty({ type: 'integer', minimum: 0, description });

/** GET /products/:sku/activity. */
export class ProductActivityDto implements ProductActivityView {
  @ApiProperty({ example: 'sku-42' }) readonly sku: string;
  @ApiProperty({ example: 'Espresso beans 1kg', description: 'The name of the latest ItemAdded' }) readonly name: string;
  @count('ItemAdded events') readonly timesAdded: number;
  @count('Units added (ItemAdded, and increases by ItemQuantityChanged)') readonly quantityAdded: number;
  @count('ItemRemoved events') readonly timesRemoved: number;
  @count('Units removed (ItemRemoved, and decreases by ItemQuantityChanged)') readonly quantityRemoved: number;
  @count('Units checked out') readonly quantityPurchased: number;
  @count('Units in abandoned carts') readonly quantityAbandoned: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { EUR: 3798 }, description: 'Checkout revenue per currency, minor units' })
  readonly revenue: Record<string, number>;
  @ApiProperty({ format: 'date-time' }) readonly lastActivityAt: string;
}

export class RankedProductDto extends ProductActivityDto implements RankedProduct {
  @ApiProperty({ type: 'integer', minimum: 1, description: '1, 2, 3… in this answer' }) readonly rank: number;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The figure ranked on (never 0: zeros are not ranked)' }) readonly value: number;
}

/** GET /products/top. */
export class TopProductsDto {
  @ApiProperty({ enum: TOP_BY }) readonly by: TopBy;
  @ApiProperty({ type: 'string', nullable: true, example: 'EUR' }) readonly currency: string | null;
  @ApiProperty({ type: [RankedProductDto], description: 'At most `limit`, value descending then sku; one snapshot' }) readonly items: RankedProductDto[];
}
