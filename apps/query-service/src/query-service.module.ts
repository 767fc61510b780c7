import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { ConfigModule, requireAuth, type AppConfig } from '@carts/config';
import { AccessModule, HEALTH_CHECKS, HealthController, trackDatabasePool } from '@carts/http';
import { DATA_SOURCE, databaseHealthCheck, poolUsage, ReadModelDatabaseModule } from '@carts/read-model';
import { CartsController } from './carts/carts.controller';
import { VersionWatcher } from './carts/version-watcher';
import { CustomerCartsController } from './customers/customer-carts.controller';
import { ProductsController } from './products/products.controller';
import { ProjectionStatusService } from './projections/projection-status.service';
import { ProjectionsController } from './projections/projections.controller';
import { DatabaseUnavailableInterceptor } from './shared/database-unavailable.interceptor';

export function queryServiceModule(config: AppConfig) {
  @Module({
    imports: [ConfigModule.forRoot(config), AccessModule.forRoot(requireAuth(config.auth), config.rateLimit), ReadModelDatabaseModule.forRoot('carts-query', (db) => db.queryStatementTimeoutMs)],
    controllers: [HealthController, CartsController, CustomerCartsController, ProductsController, ProjectionsController],
    providers: [
      VersionWatcher,
      ProjectionStatusService,
      // A read that fails because the database is unavailable: 503 + Retry-After, not a 500.
      { provide: APP_INTERCEPTOR, useClass: DatabaseUnavailableInterceptor },
      // The pool's connections, read at scrape time (db_pool_connections).
      { provide: 'DB_POOL_METRICS', inject: [DATA_SOURCE], useFactory: (ds: DataSource) => trackDatabasePool(() => poolUsage(ds)) },
      {
        provide: HEALTH_CHECKS,
        inject: [DATA_SOURCE, VersionWatcher],
        useFactory: (ds: DataSource, watcher: VersionWatcher) => [
          databaseHealthCheck(ds),
          { name: 'read-model-notifications', check: async () => watcher.listening || { reasons: ['LISTEN connection lost (read-your-writes waits run to their waitMs); reconnecting'] } },
        ],
      },
    ],
  })
  class QueryServiceModule {}
  return QueryServiceModule;
}
