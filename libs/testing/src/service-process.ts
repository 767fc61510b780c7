import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { logLines, type LogLine } from './log-lines';
import { waitFor } from './wait-for';
import { repoRoot } from '../../infra/src/repo-root';
import { terminate } from '../../infra/src/processes';

export type ServiceName = 'command-service' | 'projector' | 'query-service' | 'console';

const PORT_VARIABLE: Record<ServiceName, string> = { 'command-service': 'COMMAND_SERVICE_PORT', projector: 'PROJECTOR_PORT', 'query-service': 'QUERY_SERVICE_PORT', console: 'CONSOLE_PORT' };
const ROOT = repoRoot(__dirname);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * How much of a service's output `ServiceProcess.output` keeps (the last characters). JSON log
 * lines are about twice as long as the plain ones were: 100 KB keeps a normal start whole.
 */
export const OUTPUT_KEPT = 100_000;

/** A service started from the built code (dist/), as operators run it: a real OS process. */
export class ServiceProcess {
  private exited: Promise<number | null>;
  output = '';
  /** True once `output` lost its beginning (more than OUTPUT_KEPT characters were written). */
  truncated = false;

  private constructor(readonly name: ServiceName, readonly url: string, readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const keep = (d: Buffer): void => {
      const all = this.output + d.toString();
      this.truncated ||= all.length > OUTPUT_KEPT;
      this.output = all.slice(-OUTPUT_KEPT);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  static async start(name: ServiceName, env: Record<string, string> = {}, { waitReady = true } = {}): Promise<ServiceProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps', name, 'src/main.js')], {
      cwd: ROOT,
      env: { ...process.env, [PORT_VARIABLE[name]]: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new ServiceProcess(name, `http://127.0.0.1:${port}`, child);
    if (waitReady) {
      // Never leave a process that did not become ready running: the caller has no handle to stop it.
      await service.ready().catch(async (error) => {
        await service.kill();
        throw error;
      });
    }
    return service;
  }

  /**
   * `Promise.all` for starts: if one fails, the others are stopped before the error is thrown.
   * With `Promise.all`, the ones that did start were never assigned, so no afterAll stopped them
   * and their open pipes kept Jest from exiting (a CI run that hangs instead of failing).
   */
  static async all(starts: readonly Promise<ServiceProcess>[]): Promise<ServiceProcess[]> {
    const results = await Promise.allSettled(starts);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (!failure) return results.map((r) => (r as PromiseFulfilledResult<ServiceProcess>).value);
    await Promise.all(results.map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)));
    throw failure.reason;
  }

  /** The kept output's log lines, parsed (see `logLines`); a first line cut by truncation is left out. */
  logLines(): LogLine[] {
    return logLines(this.truncated ? this.output.slice(this.output.indexOf('\n') + 1) : this.output);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  async ready(timeoutMs = 60_000): Promise<void> {
    let exitCode: number | null | undefined;
    void this.exited.then((code) => (exitCode = code));
    // An exit ends the wait at once (a probe that threw would only be retried until the timeout).
    await waitFor(async () => (exitCode !== undefined ? -1 : (await fetch(`${this.url}/health/ready`)).status),
      (status) => status === 200 || exitCode !== undefined, { timeoutMs, intervalMs: 100, what: `${this.name} ready` });
    if (exitCode !== undefined) throw new Error(`${this.name} exited with ${exitCode}:\n${this.output.slice(-3000)}`);
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** SIGTERM and wait (a stopped process is continued first); SIGKILL if it does not go within 15 s. */
  async stop(): Promise<void> {
    await terminate(this.pid, { graceMs: 15_000, child: this.child });
  }

  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
