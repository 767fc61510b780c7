import { Body, Controller, Delete, HttpCode, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandAccepted, CommandEndpoint } from '../api-docs';
import { CartItemParams } from '../cart-params.dto';
import { CartVersionDto } from '../cart-version.dto';
import { CommandSender } from '../command-sender';
import { NoBodyPipe } from '../no-body.pipe';

@ApiTags('carts')
@Controller('carts')
export class RemoveItemController {
  constructor(private readonly sender: CommandSender) {}

  @Delete(':cartId/items/:sku')
  @HttpCode(200)
  @ApiOperation({ summary: 'Remove a line (ItemRemoved)' })
  @CommandEndpoint({ ifMatch: true, cartMustExist: true })
  @CommandAccepted(200, 'ItemRemoved is durably in cart-events')
  removeItem(@Param() params: CartItemParams, @Body(NoBodyPipe) _body: undefined, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CartVersionDto> {
    return this.sender.send(request, reply, params.cartId, { type: 'RemoveItem', data: { sku: params.sku } });
  }
}
