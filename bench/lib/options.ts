/** The parts of `npm run bench`, in the order a full run does them (later parts reuse earlier data). */
export const PARTS = ['baselines', 'commands', 'lag', 'peer', 'observability', 'queries', 'rebuild', 'failover'] as const;
export type Part = (typeof PARTS)[number];

export interface Sizes {
  /** Messages for the raw producer / consumer baselines, rows for the raw upsert. */
  readonly baselineMessages: number;
  readonly upsertRows: number;
  readonly carts: number;
  readonly connections: number;
  readonly commandSeconds: number;
  readonly querySeconds: number;
  /** Events in cart-events before the rebuilds and the failover. */
  readonly logEvents: number;
}

export interface BenchOptions {
  readonly parts: readonly Part[];
  readonly quick: boolean;
  readonly sizes: Sizes;
  /** Rewrite the summary in docs/benchmarks.md (by default only after a full run of every part). */
  readonly docs: boolean;
  /** Profile the services under load (node --cpu-prof), into this directory. */
  readonly profileDir?: string;
}

const FULL: Sizes = { baselineMessages: 500_000, upsertRows: 300_000, carts: 10_000, connections: 64, commandSeconds: 30, querySeconds: 20, logEvents: 1_000_000 };
const QUICK: Sizes = { baselineMessages: 150_000, upsertRows: 60_000, carts: 10_000, connections: 64, commandSeconds: 8, querySeconds: 5, logEvents: 100_000 };

export const USAGE = `usage: npm run bench -- [part ...] [--quick] [--docs] [--profile <dir>] [--events <n>] [--seconds <n>]
parts: ${PARTS.join(', ')} (default: all, in that order)
  --quick      smaller sizes and shorter loads (under 2 minutes)
  --docs       update docs/benchmarks.md (by default only a full run of every part, default sizes, does)
  --profile    run the services with node --cpu-prof, profiles written to <dir>
  --events     events in cart-events for rebuild and failover (default 1,000,000; quick 100,000)
  --seconds    duration of the command load, ours and the peer's (default 30; quick 8)
peer: the same AddItem load on Emmett's PostgreSQL event store, right after ours (runs ours too if not asked for)`;

export class UsageError extends Error {}

function numberFlag(value: string | undefined, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} needs a positive integer`);
  return n;
}

export function parseOptions(argv: readonly string[]): BenchOptions {
  const parts: Part[] = [];
  let quick = false;
  let docs = false;
  let profileDir: string | undefined;
  const overrides: { logEvents?: number; commandSeconds?: number } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') quick = true;
    else if (arg === '--docs') docs = true;
    else if (arg === '--profile') profileDir = argv[++i] ?? '/tmp/prof';
    else if (arg === '--events') overrides.logEvents = numberFlag(argv[++i], 'events');
    else if (arg === '--seconds') overrides.commandSeconds = numberFlag(argv[++i], 'seconds');
    else if ((PARTS as readonly string[]).includes(arg)) parts.push(arg as Part);
    else throw new UsageError(`unknown argument ${arg}`);
  }
  const chosen = parts.length === 0 ? [...PARTS] : PARTS.filter((p) => parts.includes(p));
  // Only a full run of every part (or --docs) rewrites the summary: one part alone would drop the others' figures.
  const complete = !quick && chosen.length === PARTS.length && Object.keys(overrides).length === 0;
  return { parts: chosen, quick, docs: docs || complete, profileDir, sizes: { ...(quick ? QUICK : FULL), ...overrides } };
}
