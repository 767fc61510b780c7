import { mkdirSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { ServiceProcess, type ServiceName } from '@carts/testing';
import { sleep } from './stats';

export interface LogLine {
  readonly at: number;
  readonly text: string;
}

/** A service process of this run, with its output kept line by line and timestamped. */
export class BenchService {
  readonly lines: LogLine[] = [];
  private partial = '';

  constructor(readonly process: ServiceProcess) {
    const onData = (chunk: Buffer) => {
      const text = this.partial + chunk.toString();
      const parts = text.split('\n');
      this.partial = parts.pop() ?? '';
      const at = Date.now();
      // eslint-disable-next-line no-control-regex
      for (const line of parts) this.lines.push({ at, text: line.replace(/\x1b\[[0-9;]*m/g, '') });
      if (this.lines.length > 5000) this.lines.splice(0, this.lines.length - 5000);
    };
    process.child.stdout?.on('data', onData);
    process.child.stderr?.on('data', onData);
  }

  get url(): string {
    return this.process.url;
  }

  get pid(): number {
    return this.process.pid;
  }

  /** Lines matching `pattern` logged at or after `since`. */
  matching(pattern: RegExp, since = 0): LogLine[] {
    return this.lines.filter((l) => l.at >= since && pattern.test(l.text));
  }

  async waitForLine(pattern: RegExp, since: number, timeoutMs: number): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.matching(pattern, since)[0];
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`${this.process.name} did not log ${pattern} within ${timeoutMs} ms:\n${this.lines.slice(-20).map((l) => l.text).join('\n')}`);
      await sleep(50);
    }
  }

  /** With --profile: the first call starts the CPU profiler, the second writes the profile. */
  toggleProfiler(): void {
    this.process.signal('SIGWINCH');
  }
}

/** pid → service name, for CPU accounting. */
export const pidsOf = (services: readonly BenchService[]): Map<number, string> => new Map(services.map((s) => [s.pid, s.process.name]));

const PRELOAD = path.resolve(__dirname, 'profiler-preload.js');

/** Starts a service from dist/ as its own OS process (as operators run it), ready when it says so. */
export async function startService(name: ServiceName, env: Record<string, string>, profileDir?: string, label: string = name): Promise<BenchService> {
  const extra: Record<string, string> = { NO_COLOR: '1' };
  if (profileDir) {
    if (!existsSync(profileDir)) mkdirSync(profileDir, { recursive: true });
    Object.assign(extra, { NODE_OPTIONS: `--require ${PRELOAD}`, BENCH_PROFILE_DIR: profileDir, BENCH_PROFILE_LABEL: label });
  }
  // Not waiting inside start(): the output must be watched from the first line (assignments are logged before ready).
  const service = new BenchService(await ServiceProcess.start(name, { ...env, ...extra }, { waitReady: false }));
  try {
    await service.process.ready();
  } catch (error) {
    await service.process.kill();
    throw new Error(`${(error as Error).message}\n${name} output:\n${service.lines.slice(-15).map((l) => l.text).join('\n')}`);
  }
  return service;
}

/** The three services of the pipeline, started once and shared by the parts that need them. */
export class Stack {
  private readonly services = new Map<ServiceName, Promise<BenchService>>();

  constructor(private readonly env: Record<string, string>, private readonly profileDir?: string) {}

  get(name: ServiceName): Promise<BenchService> {
    let service = this.services.get(name);
    if (!service) {
      service = startService(name, this.env, this.profileDir);
      this.services.set(name, service);
    }
    return service;
  }

  async stop(name: ServiceName): Promise<void> {
    const service = this.services.get(name);
    this.services.delete(name);
    await (await service?.catch(() => null))?.process.stop();
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.services.keys()].map((name) => this.stop(name)));
  }
}
