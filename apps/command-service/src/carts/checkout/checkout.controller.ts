import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommandEndpoint } from '../api-docs';
import { CommandHeaders, commandRequest } from '../command-headers';
import { CommandGateway, type SentCommand } from '../../gateway/command-gateway';
import { CartParams } from '../cart-params.dto';
import { NoBodyPipe } from '../no-body.pipe';

@ApiTags('carts')
@Controller('carts')
export class CheckoutController {
  constructor(private readonly gateway: CommandGateway) {}

  @Post(':cartId/checkout')
  @CommandEndpoint({
    summary: 'Check the cart out (CartCheckedOut, with lines, item count, total, currency); final',
    accepted: 'CartCheckedOut is durably in cart-events',
  })
  checkout(@Param() params: CartParams, @Body(NoBodyPipe) _body: undefined, @CommandHeaders() headers: CommandHeaders): Promise<SentCommand> {
    return this.gateway.send(commandRequest(headers, params.cartId, { type: 'Checkout', data: {} }));
  }
}
