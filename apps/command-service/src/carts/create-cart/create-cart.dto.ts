import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { ID_PATTERN, IsIdentifier } from '../field-rules';

export class CreateCartDto {
  @ApiPropertyOptional({ example: 'c-1', pattern: ID_PATTERN.source, description: "The cart is the caller's: when given, it must equal the token's subject (403 otherwise)" })
  @IsOptional()
  @IsIdentifier('customerId')
  readonly customerId?: string;
}
