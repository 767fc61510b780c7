import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandAccepted, CommandEndpoint } from '../api-docs';
import { CartParams } from '../cart-params.dto';
import { CartVersionDto } from '../cart-version.dto';
import { CommandSender } from '../command-sender';
import { AddItemDto } from './add-item.dto';

@ApiTags('carts')
@Controller('carts')
export class AddItemController {
  constructor(private readonly sender: CommandSender) {}

  @Post(':cartId/items')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add units of an item (ItemAdded)' })
  @CommandEndpoint({ ifMatch: true, cartMustExist: true })
  @CommandAccepted(200, 'ItemAdded is durably in cart-events; ETag is the new version')
  addItem(@Param() params: CartParams, @Body() body: AddItemDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CartVersionDto> {
    const { sku, name, quantity, unitPrice, currency } = body;
    return this.sender.send(request, reply, params.cartId, { type: 'AddItem', data: { sku, name, quantity, unitPrice, currency } });
  }
}
