import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { Client } from 'pg';
import { selectedKafka } from '../../libs/infra/src/kafka-version';

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

/** The version the project's launcher runs (KAFKA_VERSION's line, its jars fetched), or "external". */
function kafkaVersion(): string {
  if (process.env.KAFKA_BROKERS) return 'external';
  const kafka = selectedKafka();
  return existsSync(kafka.libDir) ? `${kafka.version} (Scala 2.13, KRaft)` : 'unknown';
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
    kafka: kafkaVersion(),
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
