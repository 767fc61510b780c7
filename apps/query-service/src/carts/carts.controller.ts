import { Controller, Get, Inject, Param, ParseUUIDPipe, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DataSource } from 'typeorm';
import { CurrentCaller, isOperator, ProblemError, ProblemType, strictValidationPipe, unavailableProblem, validationProblem, type Caller } from '@carts/http';
import { DATA_SOURCE, findCart, type CartView } from '@carts/read-model';
import { ApiCartResponses } from '../shared/api-docs';
import { CartViewDto } from './cart-view.dto';
import { CartQueryDto, DEFAULT_WAIT_MS } from './cart-query.dto';
import { VersionWatcher } from './version-watcher';

const uuidPipe = new ParseUUIDPipe({ exceptionFactory: () => validationProblem([{ field: 'cartId', message: 'cartId must be a UUID' }]) });

@ApiTags('carts')
@Controller('carts')
export class CartsController {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource, private readonly watcher: VersionWatcher) {}

  @Get(':cartId')
  @ApiOperation({ summary: 'The cart as the cart-details read model has it; with minVersion, waits (up to waitMs) until it has that version' })
  @ApiParam({ name: 'cartId', format: 'uuid', description: 'The cart id returned by POST /carts' })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'The ETag of a copy you hold: 304 if the read model still has that version' })
  @ApiCartResponses(CartViewDto)
  async get(
    @Param('cartId', uuidPipe) cartId: string,
    @Query(strictValidationPipe()) query: CartQueryDto,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CartView | undefined> {
    const waitMs = query.waitMs ?? DEFAULT_WAIT_MS;
    const started = Date.now();
    const version = query.minVersion === undefined ? undefined : await this.watcher.waitForVersion(cartId, query.minVersion, waitMs, caller.subject);
    const found = await findCart(this.ds, cartId);
    // Another customer's cart is answered exactly like a cart that does not exist (which, asked
    // for a version, is a 503 after the whole wait).
    const cart = found && (isOperator(caller) || found.customerId === caller.subject) ? found : null;
    if (query.minVersion !== undefined && (!cart || version! < query.minVersion)) {
      if (found && !cart) await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + waitMs - Date.now())));
      this.notYet(cartId, query.minVersion, cart ? version! : 0, waitMs);
    }
    if (!cart) throw new ProblemError(404, ProblemType.cartNotFound, 'Not found', `Cart ${cartId} is not known (yet)`, { cartId });
    const etag = `"${cart.version}"`;
    void reply.header('etag', etag).header('cache-control', 'no-cache');
    if (request.headers['if-none-match'] === etag) {
      void reply.status(304);
      return undefined;
    }
    return cart;
  }

  private notYet(cartId: string, minVersion: number, version: number, waitMs: number): never {
    const has = version === 0 ? 'does not have this cart yet' : `has version ${version}`;
    throw unavailableProblem(`The read model ${has}, not yet version ${minVersion}, after waiting ${waitMs} ms; retry shortly`, 1, { cartId, minVersion, version });
  }
}
