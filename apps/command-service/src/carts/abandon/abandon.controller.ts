import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommandEndpoint } from '../api-docs';
import { CommandHeaders, commandRequest } from '../command-headers';
import { CommandGateway, type SentCommand } from '../../gateway/command-gateway';
import { CartParams } from '../cart-params.dto';
import { NoBodyPipe } from '../no-body.pipe';

@ApiTags('carts')
@Controller('carts')
export class AbandonController {
  constructor(private readonly gateway: CommandGateway) {}

  @Post(':cartId/abandon')
  @CommandEndpoint({
    summary: 'Abandon the cart (CartAbandoned); final',
    accepted: 'CartAbandoned is durably in cart-events',
  })
  abandon(@Param() params: CartParams, @Body(NoBodyPipe) _body: undefined, @CommandHeaders() headers: CommandHeaders): Promise<SentCommand> {
    return this.gateway.send(commandRequest(headers, params.cartId, { type: 'Abandon', data: {} }));
  }
}
