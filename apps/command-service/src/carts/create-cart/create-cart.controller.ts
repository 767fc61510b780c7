import { Body, Controller, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ProblemError, ProblemType } from '@carts/http';
import { CommandEndpoint } from '../api-docs';
import { CommandHeaders, commandRequest, newCartId, placingCustomer } from '../command-headers';
import { CommandGateway, type SentCommand } from '../../gateway/command-gateway';
import { CreateCartDto } from './create-cart.dto';

@ApiTags('carts')
@Controller('carts')
export class CreateCartController {
  constructor(private readonly gateway: CommandGateway) {}

  @Post()
  @CommandEndpoint({
    summary: 'Create a cart (CartCreated) for the caller; with an Idempotency-Key the cart id is derived from the caller and the key, so a retry reaches the same cart',
    accepted: 'CartCreated is durably in cart-events; Location is where the cart can be read (the query service)',
    status: 201,
    cartMustExist: false,
  })
  create(@Body() body: CreateCartDto, @CommandHeaders() headers: CommandHeaders): Promise<SentCommand> {
    const customerId = placingCustomer(headers);
    if (body.customerId !== undefined && body.customerId !== customerId) {
      throw new ProblemError(403, ProblemType.forbidden, 'Forbidden', 'A cart is created for the caller: customerId, when given, must be the token\'s subject');
    }
    const cartId = newCartId(headers);
    return this.gateway.send(commandRequest(headers, cartId, { type: 'CreateCart', data: { customerId } }));
  }
}
