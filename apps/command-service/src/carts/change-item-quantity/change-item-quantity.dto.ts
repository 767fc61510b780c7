import { ApiProperty } from '@nestjs/swagger';
import { MAX_LINE_QUANTITY } from '@carts/domain';
import { IsQuantity } from '../field-rules';

export class ChangeItemQuantityDto {
  @ApiProperty({ example: 3, minimum: 0, maximum: MAX_LINE_QUANTITY, type: 'integer', description: 'The new quantity of the line; 0 removes it; the same quantity changes nothing' })
  @IsQuantity(0)
  readonly quantity: number;
}
