import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Client } from 'pg';
import { parseDatabaseUrl } from './postgres-admin';

/**
 * One role per part of the system (docs/security.md, "PostgreSQL: one role per service"):
 * - owner: owns every table and the generation DDL functions; applies migrations;
 * - writer: the projector (and cartctl): rows only, plus EXECUTE on the generation functions;
 * - reader: the query service: SELECT only.
 */
export interface ReadModelRoles {
  readonly owner: string;
  readonly writer: string;
  readonly reader: string;
}

export type RolePasswords = Partial<Record<keyof ReadModelRoles, string>>;

const MAX_IDENTIFIER = 63;

/**
 * The roles of one database, named after it: roles are cluster-wide, so two databases on one
 * server (the tests' per-suite databases, the CI loop's) never share or race for a role.
 */
export function readModelRoleNames(database: string): ReadModelRoles {
  const base = database.length + '_writer'.length <= MAX_IDENTIFIER
    ? database
    : `${database.slice(0, 45)}_${createHash('sha256').update(database).digest('hex').slice(0, 8)}`;
  return { owner: `${base}_owner`, writer: `${base}_writer`, reader: `${base}_reader` };
}

/** The same URL, logged in as `role` (with its password when it has one). */
export function roleUrl(url: string, role: string, password?: string): string {
  const copy = new URL(url);
  copy.username = encodeURIComponent(role);
  copy.password = password ? encodeURIComponent(password) : '';
  return copy.href;
}

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * The grants, run on the database by a superuser (or the owner itself). Idempotent. Default
 * privileges make every table the owner creates later — a migration's, a new generation's
 * partition — readable by the reader and writable by the writer with no further step.
 */
export function grantStatements(database: string, roles: ReadModelRoles): string[] {
  const [owner, writer, reader] = [roles.owner, roles.writer, roles.reader].map(ident);
  const writes = 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE';
  return [
    `REVOKE CREATE ON SCHEMA public FROM PUBLIC`,
    `GRANT CONNECT ON DATABASE ${ident(database)} TO ${owner}, ${writer}, ${reader}`,
    `GRANT USAGE, CREATE ON SCHEMA public TO ${owner}`,
    `GRANT USAGE ON SCHEMA public TO ${writer}, ${reader}`,
    `GRANT ${writes} ON ALL TABLES IN SCHEMA public TO ${writer}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${writer}`,
    `GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO ${writer}`,
    `GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${reader}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT ${writes} ON TABLES TO ${writer}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${writer}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO ${writer}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT SELECT ON TABLES TO ${reader}`,
  ];
}

const codeOf = (error: unknown): string | undefined => (error as { code?: string } | null)?.code;

/** CREATE ROLE if absent; two processes creating the same role at once both succeed. */
async function ensureRole(client: Client, role: string, password: string | undefined): Promise<void> {
  const found = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  if (!found.rowCount) {
    try {
      await client.query(`CREATE ROLE ${ident(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`);
    } catch (error) {
      // 42710 duplicate_object; 23505 when two creates race past the catalog check together.
      if (!['42710', '23505'].includes(codeOf(error) ?? '')) throw error;
    }
  }
  // Never logged: the statement text carries the secret only to the server.
  if (password !== undefined) await client.query(`ALTER ROLE ${ident(role)} PASSWORD ${client.escapeLiteral(password)}`);
}

/**
 * Objects created before the roles existed (a database migrated as `postgres`) pass to the owner,
 * so its later migrations may alter them and its default privileges are the ones that count.
 */
async function transferOwnership(client: Client, owner: string): Promise<void> {
  const relations: { name: string; kind: string }[] = (await client.query(
    `SELECT c.relname AS name, c.relkind AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND pg_get_userbyid(c.relowner) <> $1
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i') AND c.relkind = 'S')`, [owner])).rows;
  for (const r of relations) await client.query(`ALTER ${r.kind === 'S' ? 'SEQUENCE' : r.kind === 'v' ? 'VIEW' : r.kind === 'm' ? 'MATERIALIZED VIEW' : 'TABLE'} public.${ident(r.name)} OWNER TO ${ident(owner)}`);
  const functions: { signature: string }[] = (await client.query(
    `SELECT p.oid::regprocedure::text AS signature FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> $1`, [owner])).rows;
  for (const f of functions) await client.query(`ALTER FUNCTION ${f.signature} OWNER TO ${ident(owner)}`);
}

/**
 * Creates the three roles (if absent) and grants them their rights on the URL's database, as the
 * URL's user, which must be a superuser (or hold CREATEROLE and own the objects). Safe to run at
 * every start and from several processes at once: an advisory lock serialises the grants, which
 * PostgreSQL would otherwise fail with "tuple concurrently updated".
 */
export async function provisionRoles(adminUrl: string, roles: ReadModelRoles, passwords: RolePasswords = {}): Promise<void> {
  const { database } = parseDatabaseUrl(adminUrl);
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000, application_name: 'carts-roles' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [ROLES_LOCK_KEY]);
    for (const kind of ['owner', 'writer', 'reader'] as const) await ensureRole(client, roles[kind], passwords[kind]);
    await transferOwnership(client, roles.owner);
    for (const sql of grantStatements(database, roles)) await client.query(sql);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [ROLES_LOCK_KEY]).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

/** Drops the roles (after their database is gone: a role that owns objects cannot be dropped). */
export async function dropRoles(adminUrl: string, roles: ReadModelRoles): Promise<void> {
  const client = new Client({ connectionString: parseDatabaseUrl(adminUrl).on('postgres'), connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for (const role of [roles.reader, roles.writer, roles.owner]) await client.query(`DROP ROLE IF EXISTS ${ident(role)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const ROLES_LOCK_KEY = 4_242_002;

export interface LocalRoles {
  readonly names: ReadModelRoles;
  readonly owner: string;
  readonly writer: string;
  readonly reader: string;
}

/**
 * The local stack's roles (`npm start`): named after the database, created on first use with
 * passwords generated once and kept in `secretsFile` (mode 0600), never printed. On a trust-auth
 * server the passwords go unused; on one that asks for them they are what logs the services in.
 */
export async function localRoles(adminUrl: string, secretsFile: string): Promise<LocalRoles> {
  const names = readModelRoleNames(parseDatabaseUrl(adminUrl).database);
  const passwords = readOrCreateSecrets(secretsFile);
  await provisionRoles(adminUrl, names, passwords);
  return {
    names,
    owner: roleUrl(adminUrl, names.owner, passwords.owner),
    writer: roleUrl(adminUrl, names.writer, passwords.writer),
    reader: roleUrl(adminUrl, names.reader, passwords.reader),
  };
}

function readOrCreateSecrets(file: string): Required<RolePasswords> {
  const fresh = { owner: randomBytes(18).toString('base64url'), writer: randomBytes(18).toString('base64url'), reader: randomBytes(18).toString('base64url') };
  mkdirSync(dirname(file), { recursive: true });
  try {
    // 'wx': of two stacks starting at once, one writes and both read the same passwords.
    writeFileSync(file, `${JSON.stringify(fresh, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
    return fresh;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  chmodSync(file, 0o600);
  const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<keyof ReadModelRoles, string>>;
  return { owner: stored.owner ?? fresh.owner, writer: stored.writer ?? fresh.writer, reader: stored.reader ?? fresh.reader };
}
