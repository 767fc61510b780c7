import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';

export interface Machine {
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly kafka: string;
  readonly postgres: string;
  /** 1-minute load average when the run started and when it ended: how shared the box was. */
  loadBefore: number;
  loadAfter?: number;
}

/** The broker's version from the jar it runs (the project's launcher), or "external". */
function kafkaVersion(root: string): string {
  const lib = path.join(root, '.local/kafka/lib');
  if (process.env.KAFKA_BROKERS || !existsSync(lib)) return 'external';
  const jar = readdirSync(lib).find((f) => /^kafka_[\d.]+-[\d.]+\.jar$/.test(f));
  return jar ? jar.replace(/^kafka_([\d.]+)-([\d.]+)\.jar$/, '$2 (Scala $1, KRaft)') : 'unknown';
}

async function postgresVersion(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    return rows[0].v;
  } finally {
    await client.end();
  }
}

export async function describeMachine(root: string, databaseUrl: string): Promise<Machine> {
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kafka: kafkaVersion(root),
    postgres: await postgresVersion(databaseUrl),
    loadBefore: loadavg()[0],
  };
}

/** What was measured: `npm run bench` builds the working tree, so uncommitted changes count too. */
export function describeCode(root: string): { commit: string; uncommitted: string[] } {
  // Not trim(): a porcelain line starts with its status columns, a space included.
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trimEnd();
  try {
    const uncommitted = git('status', '--porcelain', '--', 'apps', 'libs', 'bench', 'tools').split('\n').filter(Boolean).map((l) => l.slice(3));
    return { commit: git('rev-parse', '--short', 'HEAD').trim(), uncommitted };
  } catch {
    return { commit: 'unknown', uncommitted: [] };
  }
}

/** Resident set of a process now and its peak so far (VmHWM), in MB; null once it is gone. */
export function memoryOf(pid: number): { rssMb: number; hwmMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** Samples a process's RSS every `intervalMs` until stopped; returns the highest sample. */
export function sampleRss(pid: number, intervalMs = 200): { stop(): number } {
  let peak = memoryOf(pid)?.rssMb ?? 0;
  const timer = setInterval(() => (peak = Math.max(peak, memoryOf(pid)?.rssMb ?? 0)), intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, memoryOf(pid)?.rssMb ?? 0);
    },
  };
}
