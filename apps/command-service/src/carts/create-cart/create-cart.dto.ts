import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

export const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export class CreateCartDto {
  @ApiProperty({ example: 'c-1', pattern: ID_PATTERN.source, description: '1-64 characters of [A-Za-z0-9._-]' })
  @IsString()
  @Matches(ID_PATTERN, { message: 'customerId must be 1-64 characters of [A-Za-z0-9._-]' })
  readonly customerId: string;
}
