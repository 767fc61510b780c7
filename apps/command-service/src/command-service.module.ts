import { Module } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { ConfigModule, requireAuth, type AppConfig } from '@carts/config';
import { AccessModule, HEALTH_CHECKS, HealthController, strictValidationPipe } from '@carts/http';
import { CommandGateway } from './gateway/command-gateway';
import { AbandonController } from './carts/abandon/abandon.controller';
import { AddItemController } from './carts/add-item/add-item.controller';
import { ChangeItemQuantityController } from './carts/change-item-quantity/change-item-quantity.controller';
import { CheckoutController } from './carts/checkout/checkout.controller';
import { CreateCartController } from './carts/create-cart/create-cart.controller';
import { RemoveItemController } from './carts/remove-item/remove-item.controller';
import { kafkaProviders } from './infrastructure/kafka.providers';
import { CommandProcessorService } from './processor/command-processor.service';

export function commandServiceModule(config: AppConfig) {
  @Module({
    imports: [ConfigModule.forRoot(config), AccessModule.forRoot(requireAuth(config.auth), config.rateLimit)],
    controllers: [
      HealthController, CreateCartController, AddItemController, ChangeItemQuantityController, RemoveItemController, CheckoutController, AbandonController,
    ],
    providers: [
      ...kafkaProviders,
      CommandGateway,
      CommandProcessorService,
      { provide: APP_PIPE, useFactory: strictValidationPipe },
      // The write side depends on the broker only: it never reads the read models' database.
      { provide: HEALTH_CHECKS, inject: [CommandGateway], useFactory: (gateway: CommandGateway) => [{ name: 'kafka', check: async () => gateway.isReady }] },
    ],
  })
  class CommandServiceModule {}
  return CommandServiceModule;
}
