import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommandEndpoint } from '../api-docs';
import { CommandHeaders, commandRequest } from '../command-headers';
import { CommandGateway, type SentCommand } from '../../gateway/command-gateway';
import { CartParams } from '../cart-params.dto';
import { AddItemDto } from './add-item.dto';

@ApiTags('carts')
@Controller('carts')
export class AddItemController {
  constructor(private readonly gateway: CommandGateway) {}

  @Post(':cartId/items')
  @CommandEndpoint({
    summary: 'Add units of an item (ItemAdded)',
    accepted: 'ItemAdded is durably in cart-events; ETag is the new version',
  })
  addItem(@Param() params: CartParams, @Body() body: AddItemDto, @CommandHeaders() headers: CommandHeaders): Promise<SentCommand> {
    const { sku, name, quantity, unitPrice, currency } = body;
    return this.gateway.send(commandRequest(headers, params.cartId, { type: 'AddItem', data: { sku, name, quantity, unitPrice, currency } }));
  }
}
