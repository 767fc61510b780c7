import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@carts/config';
import { createDataSource } from './data-source';

export const DATA_SOURCE = Symbol('DATA_SOURCE');

/**
 * The read-model database for a Nest app: one initialised TypeORM DataSource (its pool), injectable
 * as DATA_SOURCE, and closed when the application shuts down — after the HTTP server and the
 * projection consumers have stopped, since Nest runs `onApplicationShutdown` last.
 */
@Global()
@Module({})
export class ReadModelDatabaseModule implements OnApplicationShutdown {
  static forRoot(applicationName: string): DynamicModule {
    return {
      module: ReadModelDatabaseModule,
      providers: [{
        provide: DATA_SOURCE,
        inject: [APP_CONFIG],
        useFactory: (config: AppConfig): Promise<DataSource> =>
          createDataSource(config.database.url, config.database.poolSize, applicationName).initialize(),
      }],
      exports: [DATA_SOURCE],
    };
  }

  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}

export const databaseHealthCheck = (ds: DataSource) => ({
  name: 'postgres',
  check: async () => (await ds.query('SELECT 1 AS ok'))[0]?.ok === 1,
});
