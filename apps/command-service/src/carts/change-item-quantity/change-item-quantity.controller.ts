import { Body, Controller, HttpCode, Param, Patch, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandEndpoint } from '../api-docs';
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
  @ApiOkResponse({ type: CartVersionDto, description: 'The event is durably in cart-events (or nothing changed: same version)' })
  changeQuantity(@Param() params: CartItemParams, @Body() body: ChangeItemQuantityDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CartVersionDto> {
    return this.sender.send(request, reply, params.cartId, { type: 'ChangeItemQuantity', data: { sku: params.sku, quantity: body.quantity } });
  }
}
