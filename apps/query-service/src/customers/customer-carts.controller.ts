import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import { ApiProblem, CurrentCaller, isOperator, ProblemError, ProblemType, RequireRoles, strictValidationPipe, type Caller } from '@carts/http';
import { customerCartsPage, DATA_SOURCE, type CustomerCartView } from '@carts/read-model';
import { ApiBadQuery, ApiDatabaseUnavailable } from '../shared/api-docs';
import { decodeCursor, encodeCursor } from './cart-cursor';
import { CustomerCartsPageDto } from './customer-carts-page.dto';
import { CustomerCartsQueryDto, CustomerParams } from './customer-carts.dto';

export interface CustomerCartsPage {
  readonly items: CustomerCartView[];
  readonly nextCursor: string | null;
}

@ApiTags('customers')
@ApiDatabaseUnavailable()
@Controller()
export class CustomerCartsController {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  @Get('me/carts')
  @RequireRoles('customer')
  @ApiOperation({ summary: "The caller's own carts (the token's subject is the customer id); the same paging as /customers/{customerId}/carts" })
  @ApiOkResponse({ type: CustomerCartsPageDto, description: '{ items, nextCursor } — nextCursor is null on the last page' })
  @ApiBadQuery()
  mine(@CurrentCaller() caller: Caller, @Query(strictValidationPipe()) query: CustomerCartsQueryDto): Promise<CustomerCartsPage> {
    return this.page(caller.subject, query);
  }

  @Get('customers/:customerId/carts')
  @ApiOperation({
    summary: "A customer's carts, newest first by creation (keyset pagination: pass nextCursor back as cursor)",
    description: 'Ordered by (createdAt, cartId) descending — keys that never change — so a walk through the pages never shows a cart twice, '
      + 'and never skips a cart that existed when the walk began (and, with `status`, still has that status when its page is read), whatever changes meanwhile. '
      + 'Carts created during the walk sort before its first page and appear in the next walk. Each item is the cart as it is when its page is read.',
  })
  @ApiOkResponse({ type: CustomerCartsPageDto, description: '{ items, nextCursor } — nextCursor is null on the last page' })
  @ApiBadQuery()
  @ApiProblem(403, "Another customer's carts: only that customer or an operator may list them (`urn:carts:problem:forbidden`)")
  list(@Param(strictValidationPipe()) params: CustomerParams, @Query(strictValidationPipe()) query: CustomerCartsQueryDto, @CurrentCaller() caller: Caller): Promise<CustomerCartsPage> {
    if (!isOperator(caller) && !(caller.roles.includes('customer') && caller.subject === params.customerId)) {
      throw new ProblemError(403, ProblemType.forbidden, 'Forbidden', "Only the customer or an operator may list a customer's carts");
    }
    return this.page(params.customerId, query);
  }

  private async page(customerId: string, query: CustomerCartsQueryDto): Promise<CustomerCartsPage> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const { items, next } = await customerCartsPage(this.ds, customerId, { status: query.status, limit: query.limit ?? 20, after });
    return { items, nextCursor: next ? encodeCursor(next) : null };
  }
}
