import { Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ConfigModule, type AppConfig } from '@carts/config';
import { HEALTH_CHECKS, HealthController } from '@carts/http';
import { DATA_SOURCE, databaseHealthCheck, dataSourceProvider } from '@carts/read-model';
import { CartDetailsReader } from './carts/cart-details.reader';
import { CartsController } from './carts/carts.controller';

export function queryServiceModule(config: AppConfig) {
  @Module({
    imports: [ConfigModule.forRoot(config)],
    controllers: [HealthController, CartsController],
    providers: [
      dataSourceProvider('carts-query'),
      CartDetailsReader,
      { provide: HEALTH_CHECKS, inject: [DATA_SOURCE], useFactory: (ds: DataSource) => [databaseHealthCheck(ds)] },
    ],
  })
  class QueryServiceModule {}
  return QueryServiceModule;
}
