import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig, type DatabaseConfig } from '@carts/config';
import { createDataSource } from './data-source';
import { databaseUnavailableReason } from './runtime/transient-errors';

export const DATA_SOURCE = Symbol('DATA_SOURCE');

/**
 * The read-model database for a Nest app: one initialised TypeORM DataSource (its pool), injectable
 * as DATA_SOURCE, and closed when the application shuts down — after the HTTP server and the
 * projection consumers have stopped, since Nest runs `onApplicationShutdown` last.
 */
@Global()
@Module({})
export class ReadModelDatabaseModule implements OnApplicationShutdown {
  /** `statementTimeoutMs`: this service's statement timeout (a query service's reads are short, a projector's batches are not). */
  static forRoot(applicationName: string, statementTimeoutMs: (database: DatabaseConfig) => number): DynamicModule {
    return {
      module: ReadModelDatabaseModule,
      providers: [{
        provide: DATA_SOURCE,
        inject: [APP_CONFIG],
        useFactory: ({ database }: AppConfig): Promise<DataSource> =>
          createDataSource(database.url, database.poolSize, applicationName, {
            connectTimeoutMs: database.connectTimeoutMs,
            statementTimeoutMs: statementTimeoutMs(database),
            idleInTransactionTimeoutMs: database.idleInTransactionTimeoutMs,
          }).initialize(),
      }],
      exports: [DATA_SOURCE],
    };
  }

  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}

/** Readiness: the pool can run a statement; if not, the reason names the database (never its URL). */
export const databaseHealthCheck = (ds: DataSource) => ({
  name: 'postgres',
  check: async () => {
    try {
      return (await ds.query('SELECT 1 AS ok'))[0]?.ok === 1;
    } catch (error) {
      return { reasons: [databaseUnavailableReason(error) ?? `database error: ${(error as Error)?.message ?? error}`] };
    }
  },
});
