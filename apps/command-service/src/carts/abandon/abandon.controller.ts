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
export class AbandonController {
  constructor(private readonly sender: CommandSender) {}

  @Post(':cartId/abandon')
  @HttpCode(200)
  @ApiOperation({ summary: 'Abandon the cart (CartAbandoned); final' })
  @CommandEndpoint({ ifMatch: true, cartMustExist: true })
  @CommandAccepted(200, 'CartAbandoned is durably in cart-events')
  abandon(@Param() params: CartParams, @Body(NoBodyPipe) _body: undefined, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CartVersionDto> {
    return this.sender.send(request, reply, params.cartId, { type: 'Abandon', data: {} });
  }
}
