import { ApiProperty } from '@nestjs/swagger';

export class CartVersionDto {
  @ApiProperty({ example: '0d5a3c1e-8f0b-4c55-9c1e-3f1a2b4c5d6e', format: 'uuid' }) readonly cartId: string;
  @ApiProperty({ example: 1, description: "The cart's version after the command" }) readonly version: number;
}
