import { Body, Controller, Param, Patch } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommandEndpoint } from '../api-docs';
import { CommandHeaders, commandRequest } from '../command-headers';
import { CommandGateway, type SentCommand } from '../../gateway/command-gateway';
import { CartItemParams } from '../cart-params.dto';
import { ChangeItemQuantityDto } from './change-item-quantity.dto';

@ApiTags('carts')
@Controller('carts')
export class ChangeItemQuantityController {
  constructor(private readonly gateway: CommandGateway) {}

  @Patch(':cartId/items/:sku')
  @CommandEndpoint({
    summary: "Set a line's quantity (ItemQuantityChanged; 0 → ItemRemoved; the same quantity → no event)",
    accepted: 'The event is durably in cart-events (or nothing changed: same version)',
  })
  changeQuantity(@Param() params: CartItemParams, @Body() body: ChangeItemQuantityDto, @CommandHeaders() headers: CommandHeaders): Promise<SentCommand> {
    return this.gateway.send(commandRequest(headers, params.cartId, { type: 'ChangeItemQuantity', data: { sku: params.sku, quantity: body.quantity } }));
  }
}
