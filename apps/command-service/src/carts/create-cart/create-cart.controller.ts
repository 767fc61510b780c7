import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandSender } from '../command-sender';
import { CartVersionDto } from '../cart-version.dto';
import { CreateCartDto } from './create-cart.dto';

@ApiTags('carts')
@Controller('carts')
export class CreateCartController {
  constructor(private readonly sender: CommandSender) {}

  @Post()
  @HttpCode(201)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retry-safe key (1-128 chars); the cart id is derived from it' })
  @ApiCreatedResponse({ type: CartVersionDto, description: 'CartCreated is durably in cart-events' })
  create(@Body() body: CreateCartDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CartVersionDto> {
    const cartId = this.sender.newCartId(request);
    return this.sender.send(request, reply, cartId, { type: 'CreateCart', data: { customerId: body.customerId } }, 201);
  }
}
