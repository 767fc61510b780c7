import { Controller, Get, Param, ParseUUIDPipe, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError, ProblemType, validationProblem } from '@carts/http';
import { CartDetailsReader, type CartView } from './cart-details.reader';

const uuidPipe = new ParseUUIDPipe({ exceptionFactory: () => validationProblem([{ field: 'cartId', message: 'cartId must be a UUID' }]) });

@ApiTags('carts')
@Controller('carts')
export class CartsController {
  constructor(private readonly reader: CartDetailsReader) {}

  @Get(':cartId')
  @ApiOkResponse({ description: 'The cart as the cart-details read model has it' })
  async get(@Param('cartId', uuidPipe) cartId: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CartView | undefined> {
    const cart = await this.reader.find(cartId);
    if (!cart) throw new ProblemError(404, ProblemType.cartNotFound, 'Not found', `Cart ${cartId} is not known (yet)`, { cartId });
    const etag = `"${cart.version}"`;
    void reply.header('etag', etag).header('cache-control', 'no-cache');
    if (request.headers['if-none-match'] === etag) {
      void reply.status(304);
      return undefined;
    }
    return cart;
  }
}
