import { Body, Controller, HttpCode, Param, Patch, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandAccepted, CommandEndpoint } from '../api-docs';
import { CartItemParams } from '../cart-params.dto';
import { CartVersionDto } from '../cart-version.dto';
import { CommandSender } from '../command-sender';
import { ChangeItemQuantityDto } from './change-item-quantity.dto';

@ApiTags('carts')
@Controller('carts')
export class ChangeItemQuantityController {
  constructor(private readonly sender: CommandSender) {}

  @Patch(':cartId/items/:sku')
  @HttpCode(200)
  @ApiOperation({ summary: "Set a line's quantity (ItemQuantityChanged; 0 → ItemRemoved; the same quantity → no event)" })
  @CommandEndpoint({ ifMatch: true, cartMustExist: true })
  @CommandAccepted(200, 'The event is durably in cart-events (or nothing changed: same version)')
  changeQuantity(@Param() params: CartItemParams, @Body() body: ChangeItemQuantityDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CartVersionDto> {
    return this.sender.send(request, reply, params.cartId, { type: 'ChangeItemQuantity', data: { sku: params.sku, quantity: body.quantity } });
  }
}
