import { startEmbeddedPostgres, EmbeddedPostgresHandle } from './embedded-postgres';
import { ensureDatabase, isPostgresReachable, parseDatabaseUrl } from './postgres-admin';

export { dropDatabase, ensureDatabase, isPostgresReachable, parseDatabaseUrl, redactDatabaseUrl } from './postgres-admin';
export { startEmbeddedPostgres } from './embedded-postgres';
export type { EmbeddedPostgresHandle, EmbeddedPostgresOptions } from './embedded-postgres';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/carts';

export interface ResolvedDatabase {
  readonly url: string;
  /** Set only when an embedded server was started for this process; the caller stops it. */
  readonly embedded?: EmbeddedPostgresHandle;
}

/**
 * Where the application's database lives: DATABASE_URL when set; otherwise the local server on
 * 5432 when it answers; otherwise an embedded server started here. The database is created if
 * missing in every case.
 */
export async function resolveDatabase(
  env: NodeJS.ProcessEnv,
  log: (line: string) => void = (line) => void process.stderr.write(`[postgres] ${line}\n`),
): Promise<ResolvedDatabase> {
  const configured = env.DATABASE_URL?.trim();
  if (configured) {
    await ensureDatabase(configured);
    return { url: configured };
  }
  if (await isPostgresReachable(DEFAULT_DATABASE_URL)) {
    log(`DATABASE_URL unset: using the local server at ${DEFAULT_DATABASE_URL}`);
    await ensureDatabase(DEFAULT_DATABASE_URL);
    return { url: DEFAULT_DATABASE_URL };
  }
  log('DATABASE_URL unset and nothing answers on 127.0.0.1:5432: starting an embedded PostgreSQL');
  const embedded = await startEmbeddedPostgres({ log });
  const url = parseDatabaseUrl(embedded.url).on(parseDatabaseUrl(DEFAULT_DATABASE_URL).database);
  try {
    await ensureDatabase(url);
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  return { url, embedded };
}
