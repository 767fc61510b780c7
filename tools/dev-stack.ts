/**
 * `npm start`: the whole system in one terminal. Brings up Kafka (the project's own broker, or
 * KAFKA_BROKERS) and PostgreSQL (DATABASE_URL, the local server, or an embedded one), provisions
 * topics and migrations once, then runs the three services with prefixed logs. Ctrl-C stops the
 * services, then whatever infrastructure this command started — nothing is left running.
 * `npm start -- --secure` (or KAFKA_LOCAL_SECURITY=scram): the local broker with SASL/SCRAM and
 * ACLs on port 9096, each service logging in as its own principal (docs/security.md);
 * `--kafka-port N` moves the local broker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { loadConfig, ConfigError } from '../libs/config/src';
import { provisionTopics } from '../libs/event-log/src';
import { devAuthEnv, ensureDevSigningKey, ensureKafkaBroker, localRoles, redactDatabaseUrl, resolveDatabase, type LocalRoles } from '../libs/infra/src';
import { terminate } from '../libs/infra/src/processes';
import { repoRoot } from '../libs/infra/src/repo-root';
import { migrate } from '../libs/read-model/src';
import { resetReadModelsOfAnotherLog } from './local-read-models';
import { cartctlHint, localSecurity, provisionAndGrant, SECURED_KAFKA_PORT, serviceEnv as kafkaServiceEnv, type LocalSecurity } from './secured-kafka';
import type { LocalKafkaCredentials } from '../libs/infra/src';

const ROOT = repoRoot();
const COLORS: Record<string, string> = { kafka: '35', postgres: '34', command: '32', projector: '33', query: '36', console: '94', stack: '1' };
const SERVICES = [
  { name: 'command', app: 'command-service', principal: 'command-service' },
  { name: 'projector', app: 'projector', principal: 'projector' },
  // The query service reads PostgreSQL only: no Kafka principal.
  { name: 'query', app: 'query-service', principal: 'none' },
  // The operator console acts as an operator (cartctl's Kafka principal, the writer and owner roles).
  { name: 'console', app: 'console', principal: 'cartctl' },
] as const;

// Colour only for a terminal: `npm start > stack.log` gets plain text (NO_COLOR is honoured too).
const colour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const say = (who: string, line: string) => {
  const label = `[${who}]`.padEnd(12);
  process.stdout.write(colour ? `\x1b[${COLORS[who] ?? '0'}m${label}\x1b[0m ${line}\n` : `${label} ${line}\n`);
};

function pipeLines(child: ChildProcess, who: string): void {
  for (const stream of [child.stdout, child.stderr]) {
    let buffer = '';
    stream?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      lines.forEach((l) => say(who, l));
    });
  }
}

async function waitReady(url: string, child: ChildProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode} before it was ready`);
    const status = await fetch(`${url}/health/ready`).then((r) => r.status, () => 0);
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`not ready after ${timeoutMs} ms`);
}

/** The projector writes with the writer role, the query service reads with the reader; the console, like cartctl, has the writer and the owner; the command service needs none. */
function databaseEnv(env: Record<string, string | undefined>, service: (typeof SERVICES)[number]['name'], roles: LocalRoles | undefined): Record<string, string | undefined> {
  if (!roles) return env;
  const own = { projector: roles.writer, query: roles.reader, console: roles.writer, command: undefined }[service];
  return { ...env, DATABASE_URL: own, DATABASE_OWNER_URL: service === 'console' ? roles.owner : undefined };
}

/** `--kafka-port N`: the local broker's port (default 9092, or 9096 with --secure). */
function kafkaPort(argv: readonly string[]): number | undefined {
  const at = argv.indexOf('--kafka-port');
  if (at === -1) return undefined;
  const port = Number(argv[at + 1]);
  if (!Number.isInteger(port) || port <= 0 || port > 65534) throw new Error(`--kafka-port: expected a port number, got ${JSON.stringify(argv[at + 1])}`);
  return port;
}

const stops: Array<() => Promise<void>> = [];
const children: ChildProcess[] = [];
let stopping = false;

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('stack', 'stopping...');
  await Promise.all(children.map((c) => terminate(c.pid as number, { graceMs: 15_000, child: c })));
  for (const stop of stops.reverse()) await stop().catch((e) => say('stack', `stop failed: ${e}`));
  say('stack', 'stopped');
  process.exit(code);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  // Services log JSON in production; a developer reads them pretty (LOG_FORMAT=json npm start keeps JSON).
  const env: Record<string, string | undefined> = { ...process.env, LOG_FORMAT: process.env.LOG_FORMAT?.trim() || 'pretty' };
  const security: LocalSecurity = localSecurity(process.argv.slice(2), process.env);
  let credentials: LocalKafkaCredentials | undefined;
  if (!env.KAFKA_BROKERS?.trim()) {
    const port = kafkaPort(process.argv.slice(2)) ?? (security === 'scram' ? SECURED_KAFKA_PORT : 9092);
    const broker = await ensureKafkaBroker({ port, security, log: (l) => say('kafka', l) });
    if (broker.startedHere) stops.push(() => broker.stop());
    env.KAFKA_BROKERS = broker.brokers.join(',');
    credentials = broker.credentials;
  } else if (security === 'scram') {
    throw new Error('--secure (KAFKA_LOCAL_SECURITY=scram) secures the project\'s own broker: unset KAFKA_BROKERS, or give each service its principal yourself (docs/security.md)');
  } else {
    say('kafka', `using KAFKA_BROKERS=${env.KAFKA_BROKERS}`);
  }
  const database = await resolveDatabase(process.env, (l) => say('postgres', l));
  if (database.embedded) stops.push(() => database.embedded!.stop());
  env.DATABASE_URL = database.url;

  // Tokens: your identity provider when AUTH_* is set; else the local development key (made once
  // under .local/auth; `npm run cartctl -- token` signs with it).
  if (!env.AUTH_ISSUER?.trim() && !env.AUTH_JWKS_URL?.trim() && !env.AUTH_PUBLIC_KEY_FILE?.trim()) {
    const keys = ensureDevSigningKey();
    Object.assign(env, devAuthEnv(keys));
    say('stack', `tokens: development key ${path.relative(ROOT, keys.publicKeyFile)} (npm run cartctl -- token --customer <id> | --operator)`);
  }
  const plain = loadConfig(env);
  // Secured: the launcher acts as the administrator; each service gets its own principal below.
  const config = credentials ? { ...plain, kafka: { ...plain.kafka, sasl: { mechanism: 'scram-sha-512' as const, username: credentials.admin.username, password: credentials.admin.password } } } : plain;
  const { report, acls } = credentials ? await provisionAndGrant(config.kafka, credentials) : { report: await provisionTopics(config.kafka), acls: 0 };
  if (acls) say('kafka', `SASL/SCRAM and ACLs on: ${acls} ACL entries granted to command-service, projector and cartctl (docs/security.md)`);
  if (report.created.length) say('kafka', `created topics ${report.created.join(', ')}`);
  report.warnings.forEach((w) => say('kafka', w));
  // Least privilege by default: the owner migrates here, each service gets only its own role.
  // A DATABASE_URL set by hand is used as given (with DATABASE_OWNER_URL when set), as before.
  const roles = process.env.DATABASE_URL?.trim() ? undefined : await localRoles(database.url, path.join(ROOT, '.local', 'postgres-roles.json'));
  if (roles) say('postgres', `roles ${roles.names.owner} (migrations), ${roles.names.writer} (projector), ${roles.names.reader} (query service); passwords in .local/postgres-roles.json`);
  const applied = await migrate(roles?.owner ?? config.database.ownerUrl ?? config.database.url);
  if (applied.length) say('postgres', `applied migrations ${applied.join(', ')}`);
  if (!process.env.KAFKA_BROKERS?.trim() && !process.env.DATABASE_URL?.trim()) await resetReadModelsOfAnotherLog(config, (l) => say('postgres', l));

  for (const service of SERVICES) {
    const childEnv = databaseEnv(credentials ? kafkaServiceEnv(env, credentials, service.principal) : env, service.name, roles);
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps', service.app, 'src/main.js')], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    pipeLines(child, service.name);
    child.once('exit', (code, signal) => {
      if (!stopping) {
        say(service.name, `exited (${signal ?? code}); stopping the stack`);
        void shutdown(1);
      }
    });
    children.push(child);
  }
  const urls = { command: `http://127.0.0.1:${config.http.commandPort}`, projector: `http://127.0.0.1:${config.http.projectorPort}`, query: `http://127.0.0.1:${config.http.queryPort}`, console: `http://127.0.0.1:${config.http.consolePort}` };
  await Promise.all(SERVICES.map((s, i) => waitReady(urls[s.name], children[i])));
  say('stack', 'ready:');
  say('stack', `  command service  ${urls.command}   (API docs ${urls.command}/docs)`);
  say('stack', `  query service    ${urls.query}   (API docs ${urls.query}/docs)`);
  say('stack', `  projector health ${urls.projector}/health/ready`);
  say('stack', `  operator console ${urls.console}/console/   (a token: npm run --silent cartctl -- console)`);
  say('stack', `  kafka ${env.KAFKA_BROKERS}${credentials ? ' (SASL/SCRAM, ACLs on)' : ''}   postgres ${redactDatabaseUrl(database.url)}`);
  if (credentials) say('stack', `  cartctl: ${cartctlHint(env.KAFKA_BROKERS as string, credentials)}`);
  say('stack', `  try: TOKEN=$(npm run --silent cartctl -- token --customer c-1)`);
  say('stack', `       curl -si -X POST ${urls.command}/carts -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{}'`);
  say('stack', 'Ctrl-C stops everything.');
}

main().catch((error) => {
  const message = error instanceof ConfigError ? `Configuration error: ${error.message}` : (error?.stack ?? String(error));
  say('stack', `failed: ${message}`);
  void shutdown(1);
});
