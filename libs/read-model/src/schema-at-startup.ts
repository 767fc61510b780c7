import { Client } from 'pg';
import { migrate, READ_MODEL_MIGRATIONS } from './data-source';

export interface SchemaAccess {
  /** The service's own role. */
  readonly url: string;
  /** The owner role, when this service is the one that applies migrations. */
  readonly ownerUrl?: string;
}

export interface SchemaWaitOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  readonly log?: (line: string) => void;
}

/**
 * Migrations at start-up, by the owner: with DATABASE_OWNER_URL when set. Without it, DATABASE_URL
 * applies them if its role may create in the schema (the owner, or a superuser as before roles
 * existed); a least-privilege role (the query service's, the projector's) instead waits for the
 * service that has the owner to apply them — it never holds a right it does not need to.
 */
export async function migrateAtStartup(access: SchemaAccess, options: SchemaWaitOptions = {}): Promise<string[]> {
  if (access.ownerUrl) return migrate(access.ownerUrl);
  const first = await inspectSchema(access.url);
  if (first.pending.length === 0) return [];
  if (first.mayCreate) return migrate(access.url);
  const { timeoutMs = 60_000, intervalMs = 500, log = () => undefined } = options;
  log(`waiting for the owner to apply ${first.pending.join(', ')} (role ${first.role} may not)`);
  const deadline = Date.now() + timeoutMs;
  for (let state = first; Date.now() < deadline; state = await inspectSchema(access.url)) {
    if (state.pending.length === 0) return [];
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(
    `migrations ${first.pending.join(', ')} are pending and role ${first.role} may not apply them: ` +
      'start the service that has DATABASE_OWNER_URL (the owner role), or set it here (docs/operations.md)');
}

interface SchemaState {
  readonly role: string;
  readonly mayCreate: boolean;
  readonly pending: string[];
}

/** Read-only: any role with CONNECT can tell which migrations are missing. */
async function inspectSchema(url: string): Promise<SchemaState> {
  const client = new Client({ connectionString: url, application_name: 'carts-schema-check' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const [{ role, may_create, present }] = (await client.query(
      `SELECT current_user AS role, has_schema_privilege('public', 'CREATE') AS may_create, to_regclass('public.migrations') IS NOT NULL AS present`)).rows;
    const applied = new Set<string>(present ? (await client.query('SELECT name FROM migrations')).rows.map((r: { name: string }) => r.name) : []);
    return { role, mayCreate: may_create, pending: READ_MODEL_MIGRATIONS.map((M) => new M().name ?? M.name).filter((name) => !applied.has(name)) };
  } finally {
    await client.end().catch(() => undefined);
  }
}
