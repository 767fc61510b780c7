import { Body, Controller, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandAccepted, CommandEndpoint } from '../api-docs';
import { CommandHeaders, commandRequest, newCartId } from '../command-headers';
import { CommandGateway, type SentCommand } from '../../gateway/command-gateway';
import { CreateCartDto } from './create-cart.dto';

@ApiTags('carts')
@Controller('carts')
export class CreateCartController {
  constructor(private readonly gateway: CommandGateway) {}

  @Post()
  @ApiOperation({ summary: 'Create a cart (CartCreated); with an Idempotency-Key the cart id is derived from the key, so a retry reaches the same cart' })
  @CommandEndpoint({ ifMatch: true, cartMustExist: false })
  @CommandAccepted(201, 'CartCreated is durably in cart-events; Location is where the cart can be read (the query service)')
  create(@Body() body: CreateCartDto, @CommandHeaders() headers: CommandHeaders): Promise<SentCommand> {
    const cartId = newCartId(headers);
    return this.gateway.send(commandRequest(headers, cartId, { type: 'CreateCart', data: { customerId: body.customerId } }));
  }
}
