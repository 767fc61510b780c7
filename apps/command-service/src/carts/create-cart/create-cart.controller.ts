import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError, ProblemType } from '@carts/http';
import { CommandAccepted, CommandEndpoint } from '../api-docs';
import { CommandSender } from '../command-sender';
import { CartVersionDto } from '../cart-version.dto';
import { CreateCartDto } from './create-cart.dto';

@ApiTags('carts')
@Controller('carts')
export class CreateCartController {
  constructor(private readonly sender: CommandSender) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a cart (CartCreated); with an Idempotency-Key the cart id is derived from the key, so a retry reaches the same cart' })
  @CommandEndpoint({ ifMatch: true, cartMustExist: false })
  @CommandAccepted(201, 'CartCreated is durably in cart-events; Location is where the cart can be read (the query service)')
  create(@Body() body: CreateCartDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CartVersionDto> {
    const customerId = this.sender.customer(request);
    if (body.customerId !== undefined && body.customerId !== customerId) {
      throw new ProblemError(403, ProblemType.forbidden, 'Forbidden', 'A cart is created for the caller: customerId, when given, must be the token\'s subject');
    }
    const cartId = this.sender.newCartId(request);
    return this.sender.send(request, reply, cartId, { type: 'CreateCart', data: { customerId } }, 201);
  }
}
