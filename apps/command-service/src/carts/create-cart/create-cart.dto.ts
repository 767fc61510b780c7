import { ApiProperty } from '@nestjs/swagger';
import { ID_PATTERN, IsIdentifier } from '../field-rules';

export class CreateCartDto {
  @ApiProperty({ example: 'c-1', pattern: ID_PATTERN.source, description: '1-64 characters of [A-Za-z0-9._-]' })
  @IsIdentifier('customerId')
  readonly customerId: string;
}
