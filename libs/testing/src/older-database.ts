import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dropDatabase, ensureDatabase, parseDatabaseUrl } from '@carts/infra';
import { READ_MODEL_MIGRATIONS } from '@carts/read-model';
import { assertTestDatabase } from './test-infra';

/** A database of the suite's own, as an existing one from before a migration was written. */
export interface OlderDatabase {
  readonly url: string;
  /** Open on it, for the suite to add the rows an older version wrote. */
  readonly ds: DataSource;
  /** Closes `ds` and drops the database. */
  dispose(): Promise<void>;
}

/** Every read-model migration before `migration` applied; it and the later ones not (`migrate(url)` applies them). */
export async function databaseBefore(migration: (typeof READ_MODEL_MIGRATIONS)[number], name = 'mig'): Promise<OlderDatabase> {
  const run = parseDatabaseUrl(assertTestDatabase(process.env.DATABASE_URL));
  const url = run.on(`${run.database}_${name}_${randomBytes(3).toString('hex')}`);
  await ensureDatabase(url);
  const ds = new DataSource({ type: 'postgres', url, migrations: READ_MODEL_MIGRATIONS.slice(0, READ_MODEL_MIGRATIONS.indexOf(migration)), synchronize: false });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  return {
    url, ds,
    async dispose() {
      if (ds.isInitialized) await ds.destroy();
      await dropDatabase(url).catch(() => undefined);
    },
  };
}
