import { Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ConfigModule, type AppConfig } from '@carts/config';
import { HEALTH_CHECKS, HealthController } from '@carts/http';
import { DATA_SOURCE, databaseHealthCheck, ReadModelDatabaseModule } from '@carts/read-model';
import { PROJECTOR_COMPOSITION, ProjectionSupervisor, type ProjectorComposition } from './projection-supervisor';

export function projectorModule(config: AppConfig, composition: ProjectorComposition = {}) {
  @Module({
    imports: [ConfigModule.forRoot(config), ReadModelDatabaseModule.forRoot('carts-projector')],
    controllers: [HealthController],
    providers: [
      { provide: PROJECTOR_COMPOSITION, useValue: composition },
      ProjectionSupervisor,
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
