import { readdirSync, readFileSync } from 'node:fs';

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
  if (cmd.includes('kafka.Kafka')) return 'kafka broker';
  if (cmd.startsWith('postgres')) return 'postgres';
  return 'other processes';
}

/**
 * Cores used per process group between start() and stop(): where the machine's CPU went during a
 * measurement (the box is shared, so "other processes" is the noise), e.g. { 'kafka broker': 0.6 }.
 */
export function measureCpu(ours: ReadonlyMap<number, string>): { stop(): Record<string, number> } {
  const before = snapshot();
  const started = Date.now();
  return {
    stop() {
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
