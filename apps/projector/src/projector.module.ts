import { Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ConfigModule, type AppConfig } from '@carts/config';
import { HEALTH_CHECKS, HealthController, trackDatabasePool } from '@carts/http';
import { DATA_SOURCE, databaseHealthCheck, poolUsage, ReadModelDatabaseModule } from '@carts/read-model';
import { PROJECTOR_COMPOSITION, ProjectionSupervisor, type ProjectorComposition } from './projection-supervisor';

export function projectorModule(config: AppConfig, composition: ProjectorComposition = {}) {
  @Module({
    imports: [ConfigModule.forRoot(config), ReadModelDatabaseModule.forRoot('carts-projector', (db) => db.projectorStatementTimeoutMs)],
    controllers: [HealthController],
    providers: [
      { provide: PROJECTOR_COMPOSITION, useValue: composition },
      ProjectionSupervisor,
      // The pool's connections, read at scrape time (db_pool_connections).
      { provide: 'DB_POOL_METRICS', inject: [DATA_SOURCE], useFactory: (ds: DataSource) => trackDatabasePool(() => poolUsage(ds)) },
      {
        provide: HEALTH_CHECKS,
        inject: [DATA_SOURCE, ProjectionSupervisor],
        useFactory: (ds: DataSource, supervisor: ProjectionSupervisor) => [
          databaseHealthCheck(ds),
          { name: 'projections', check: async () => ({ reasons: supervisor.unhealthy() }) },
        ],
      },
    ],
  })
  class ProjectorModule {}
  return ProjectorModule;
}
