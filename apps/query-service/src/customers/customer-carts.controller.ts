import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { strictValidationPipe } from '@carts/http';
import { decodeCursor } from './cart-cursor';
import { CustomerCartsQueryDto, CustomerParams } from './customer-carts.dto';
import { CustomerCartsReader, type CustomerCartsPage } from './customer-carts.reader';

@ApiTags('customers')
@Controller('customers')
export class CustomerCartsController {
  constructor(private readonly reader: CustomerCartsReader) {}

  @Get(':customerId/carts')
  @ApiOperation({ summary: "A customer's carts, newest first (keyset pagination: pass nextCursor back as cursor)" })
  @ApiOkResponse({ description: '{ items, nextCursor } — nextCursor is null on the last page' })
  list(@Param(strictValidationPipe()) params: CustomerParams, @Query(strictValidationPipe()) query: CustomerCartsQueryDto): Promise<CustomerCartsPage> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    return this.reader.page(params.customerId, { status: query.status, limit: query.limit ?? 20, after });
  }
}
