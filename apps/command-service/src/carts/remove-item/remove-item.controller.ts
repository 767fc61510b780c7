import { Body, Controller, Delete, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommandEndpoint } from '../api-docs';
import { CommandHeaders, commandRequest } from '../command-headers';
import { CommandGateway, type SentCommand } from '../../gateway/command-gateway';
import { CartItemParams } from '../cart-params.dto';
import { NoBodyPipe } from '../no-body.pipe';

@ApiTags('carts')
@Controller('carts')
export class RemoveItemController {
  constructor(private readonly gateway: CommandGateway) {}

  @Delete(':cartId/items/:sku')
  @CommandEndpoint({
    summary: 'Remove a line (ItemRemoved)',
    accepted: 'ItemRemoved is durably in cart-events',
  })
  removeItem(@Param() params: CartItemParams, @Body(NoBodyPipe) _body: undefined, @CommandHeaders() headers: CommandHeaders): Promise<SentCommand> {
    return this.gateway.send(commandRequest(headers, params.cartId, { type: 'RemoveItem', data: { sku: params.sku } }));
  }
}
