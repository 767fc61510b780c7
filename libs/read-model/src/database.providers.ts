import type { Provider } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@carts/config';
import { createDataSource } from './data-source';

export const DATA_SOURCE = Symbol('DATA_SOURCE');

/** An initialised TypeORM DataSource, closed with the application (see `closeDataSource`). */
export const dataSourceProvider = (applicationName: string): Provider => ({
  provide: DATA_SOURCE,
  inject: [APP_CONFIG],
  useFactory: async (config: AppConfig): Promise<DataSource> => {
    const ds = createDataSource(config.database.url, config.database.poolSize, applicationName);
    return ds.initialize();
  },
});

export const databaseHealthCheck = (ds: DataSource) => ({
  name: 'postgres',
  check: async () => (await ds.query('SELECT 1 AS ok'))[0]?.ok === 1,
});
