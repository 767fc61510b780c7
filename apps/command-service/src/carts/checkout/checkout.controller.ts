import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandAccepted, CommandEndpoint } from '../api-docs';
import { CartParams } from '../cart-params.dto';
import { CartVersionDto } from '../cart-version.dto';
import { CommandSender } from '../command-sender';
import { NoBodyPipe } from '../no-body.pipe';

@ApiTags('carts')
@Controller('carts')
export class CheckoutController {
  constructor(private readonly sender: CommandSender) {}

  @Post(':cartId/checkout')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check the cart out (CartCheckedOut, with lines, item count, total, currency); final' })
  @CommandEndpoint({ ifMatch: true, cartMustExist: true })
  @CommandAccepted(200, 'CartCheckedOut is durably in cart-events')
  checkout(@Param() params: CartParams, @Body(NoBodyPipe) _body: undefined, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CartVersionDto> {
    return this.sender.send(request, reply, params.cartId, { type: 'Checkout', data: {} });
  }
}
