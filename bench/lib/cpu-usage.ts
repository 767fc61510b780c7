import { readdirSync, readFileSync } from 'node:fs';
import { Client } from 'pg';
import { parseDatabaseUrl } from '@carts/infra';

/** CPU time (user + system, seconds) of every process on the box, with its command line. */
type Snapshot = Map<number, { readonly cpu: number; readonly cmd: string }>;

const TICKS_PER_SECOND = 100;

function snapshot(): Snapshot {
  const processes: Snapshot = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      processes.set(Number(entry), { cpu: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND, cmd });
    } catch {
      // gone meanwhile
    }
  }
  return processes;
}

function groupOf(pid: number, cmd: string, ours: ReadonlyMap<number, string>): string {
  const label = ours.get(pid);
  if (label) return label;
  if (pid === process.pid) return 'bench probes';
  if (cmd.includes('bench/lib/load-worker.js')) return 'load generator';
  if (cmd.includes('apps/cartctl/')) return 'cartctl';
  if (cmd.includes('kafka.Kafka')) return 'kafka broker';
  // Backends of other databases are other people's work; the WAL writer, checkpointer… serve everyone.
  if (cmd.startsWith('postgres: ') && /\d\)|\[local\]/.test(cmd)) return 'postgres (other databases)';
  if (cmd.startsWith('postgres') || /\/postgres(ql)?\/.*\/bin\/postgres /.test(cmd)) return 'postgres (background)';
  return 'other processes';
}

async function onDatabase<T>(databaseUrl: string, work: (client: Client, database: string) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client, parseDatabaseUrl(databaseUrl).database);
  } finally {
    await client.end();
  }
}

/** Backends serving this run's database: their CPU is this run's PostgreSQL work. */
export const postgresBackends = (databaseUrl: string): Promise<Map<number, string>> => onDatabase(databaseUrl, async (client, database) => {
  const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
  return new Map(rows.map((r) => [r.pid, 'postgres']));
});

/** Transactions committed in this run's database so far (PostgreSQL's statistics, flushed about once a second). */
export const postgresCommits = (databaseUrl: string): Promise<number> => onDatabase(databaseUrl, async (client, database) => {
  const { rows } = await client.query<{ n: string }>('SELECT xact_commit AS n FROM pg_stat_database WHERE datname = $1', [database]);
  return Number(rows[0]?.n ?? 0);
});

/**
 * Cores used per process group between start() and stop(): where the machine's CPU went during a
 * measurement (the box is shared, so "other processes" is the noise), e.g. { 'kafka broker': 0.6 }.
 */
export function measureCpu(services: ReadonlyMap<number, string>, databaseUrl: string): { stop(): Promise<Record<string, number>> } {
  const before = snapshot();
  const started = Date.now();
  return {
    async stop() {
      const ours = new Map([...services, ...(await postgresBackends(databaseUrl).catch(() => new Map<number, string>()))]);
      const seconds = (Date.now() - started) / 1000;
      const groups: Record<string, number> = {};
      for (const [pid, { cpu, cmd }] of snapshot()) {
        const used = cpu - (before.get(pid)?.cpu ?? 0);
        if (used <= 0) continue;
        const group = groupOf(pid, cmd, ours);
        groups[group] = (groups[group] ?? 0) + used / seconds;
      }
      return Object.fromEntries(Object.entries(groups).sort((a, b) => b[1] - a[1]).map(([g, cores]) => [g, Math.round(cores * 100) / 100]));
    },
  };
}
