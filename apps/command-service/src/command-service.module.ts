import { Module } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { ConfigModule, type AppConfig } from '@carts/config';
import { HEALTH_CHECKS, HealthController, strictValidationPipe } from '@carts/http';
import { CommandBus } from './bus/command-bus';
import { CommandSender } from './carts/command-sender';
import { CreateCartController } from './carts/create-cart/create-cart.controller';
import { kafkaProviders } from './infrastructure/kafka.providers';
import { CommandProcessorService } from './processor/command-processor.service';

export function commandServiceModule(config: AppConfig) {
  @Module({
    imports: [ConfigModule.forRoot(config)],
    controllers: [HealthController, CreateCartController],
    providers: [
      ...kafkaProviders,
      CommandBus,
      CommandSender,
      CommandProcessorService,
      { provide: APP_PIPE, useFactory: strictValidationPipe },
      // The write side depends on the broker only: it never reads the read models' database.
      { provide: HEALTH_CHECKS, inject: [CommandBus], useFactory: (bus: CommandBus) => [{ name: 'kafka', check: async () => bus.isReady }] },
    ],
  })
  class CommandServiceModule {}
  return CommandServiceModule;
}
