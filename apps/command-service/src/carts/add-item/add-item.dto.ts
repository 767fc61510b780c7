import { ApiProperty } from '@nestjs/swagger';
import { MAX_LINE_QUANTITY, MAX_UNIT_PRICE } from '@carts/domain';
import { ID_PATTERN, IsCurrency, IsIdentifier, IsItemName, IsQuantity, IsUnitPrice } from '../field-rules';

export class AddItemDto {
  @ApiProperty({ example: 'sku-123', pattern: ID_PATTERN.source, description: '1-64 characters of [A-Za-z0-9._-]; adding an sku already in the cart adds to its line' })
  @IsIdentifier('sku')
  readonly sku: string;

  @ApiProperty({ example: 'Espresso cup — 90 ml', minLength: 1, maxLength: 200, description: '1-200 printable Unicode characters, stored and returned exactly; the line takes the latest name' })
  @IsItemName()
  readonly name: string;

  @ApiProperty({ example: 2, minimum: 1, maximum: MAX_LINE_QUANTITY, type: 'integer', description: `Units to add; a line holds at most ${MAX_LINE_QUANTITY}` })
  @IsQuantity(1)
  readonly quantity: number;

  @ApiProperty({ example: 1250, minimum: 0, maximum: MAX_UNIT_PRICE, type: 'integer', description: 'Price of one unit in minor units (cents); the line takes the latest price' })
  @IsUnitPrice()
  readonly unitPrice: number;

  @ApiProperty({ example: 'EUR', pattern: '^[A-Z]{3}$', description: "Active ISO 4217 alphabetic code; the cart's first item fixes its currency" })
  @IsCurrency()
  readonly currency: string;
}
