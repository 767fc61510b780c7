import { CONSUMER_GROUPS, topicNames } from '@carts/contracts';
import { decodeWriterProgress, laterProgress, readPartitionsToEnd } from '@carts/event-log';
import { databaseUnavailableReason, projectionStatuses, type ProjectionStatus } from '@carts/read-model';
import { parseArgs } from '../args';
import { CommandFailed, type CliContext } from '../context';
import { table, thousands } from '@carts/operations';

export const statusUsage = 'status [--json]                       the broker, the write side (who owns which partition, lag on cart-commands) and what GET /projections shows: generations, health, lag per partition, rebuilds';

function describe(s: ProjectionStatus): string {
  const restarts = s.health?.restarts ? ` (${s.health.restarts} restart${s.health.restarts === 1 ? '' : 's'})` : '';
  if (!s.rebuild) return `${s.state}${restarts}`;
  return `rebuilding (${s.rebuild.mode}, generation ${s.rebuild.generation}: ${s.rebuild.percent}%)${s.health?.state === 'diverged' ? ', live generation diverged' : ''}`;
}

/** The lines an operator must read first: why a projection is not moving, and its last error. */
function problems(s: ProjectionStatus): string[] {
  const lines: string[] = [];
  for (const [label, h] of [[`g${s.activeGeneration}`, s.health], [`rebuild g${s.rebuild?.generation}`, s.rebuild?.mode === 'blue-green' ? s.rebuild.health : null]] as const) {
    if (!h) continue;
    if (h.state !== 'running') lines.push(`${s.name} ${label} ${h.state.toUpperCase()}: ${h.reason ?? '(no reason recorded)'} [reported by ${h.instance} at ${h.updatedAt}]`);
    if (h.lastError) lines.push(`${s.name} ${label} restarts: ${h.restarts}, last error at ${h.lastErrorAt}: ${h.lastError}`);
  }
  return lines;
}

export interface WriteSideStatus {
  readonly broker: { readonly clusterId: string; readonly brokers: number };
  readonly group: string;
  readonly state: string;
  readonly members: { readonly member: string; readonly partitions: readonly number[] }[];
  /**
   * Per partition of cart-commands: commands not yet processed — log end − the writer's position,
   * its progress record in `cart-writer-progress` (the group's committed offset is only a hint,
   * committed at most once a second while commands flow). `null`: nothing processed yet;
   * `diverged`: the position is beyond the log's end (another log, a recreated topic) — never 0.
   */
  readonly lag: { readonly partition: number; readonly lag: number | null; readonly diverged: boolean }[];
}

/**
 * Each partition's last progress record: the topic is compacted to one key, and the records at
 * its tail are that key's latest (and transaction markers), so reading the last few suffices.
 */
async function writerProgress(ctx: CliContext): Promise<Map<number, bigint>> {
  const topic = topicNames(ctx.config.kafka.topicPrefix).writerProgress;
  const ends = await ctx.admin().endOffsets(topic);
  const progress = new Map<number, bigint>();
  const specs = [...ends].map(([partition, end]) => ({ topic, partition, fromOffset: (end > 16n ? end - 16n : 0n).toString() }));
  await readPartitionsToEnd(ctx.kafka, specs, (records) => {
    for (const r of records) {
      const next = laterProgress(progress.get(r.partition) ?? null, decodeWriterProgress(r.value));
      if (next !== null) progress.set(r.partition, next);
    }
  });
  return progress;
}

/** The write side as Kafka sees it: the processor group's members and their partitions, its lag. */
async function writeSide(ctx: CliContext): Promise<WriteSideStatus> {
  const admin = ctx.admin();
  const commands = topicNames(ctx.config.kafka.topicPrefix).commands;
  const group = CONSUMER_GROUPS.commandProcessor(ctx.config.kafka.topicPrefix);
  const [broker, description, ends, committed, progress] = await Promise.all([
    admin.cluster(), admin.describeGroup(group, commands), admin.endOffsets(commands), admin.committedOffsets(group, commands), writerProgress(ctx),
  ]);
  const lag = [...ends].sort(([a], [b]) => a - b).map(([partition, end]) => {
    const at = laterProgress(progress.get(partition) ?? null, committed.get(partition) ?? null) ?? undefined;
    return { partition, lag: at === undefined ? null : Number(end > at ? end - at : 0n), diverged: at !== undefined && at > end };
  });
  return { broker, group, state: description.state, members: description.members.map((m) => ({ member: `${m.clientId}@${m.host}`, partitions: m.partitions })), lag };
}

function printWriteSide(ctx: CliContext, w: WriteSideStatus): void {
  ctx.out.line(`broker: reachable, cluster ${w.broker.clusterId}, ${w.broker.brokers} broker(s)`);
  ctx.out.line(`write side: group ${w.group} ${w.state}, ${w.members.length} instance(s)`);
  for (const m of w.members) ctx.out.line(`  ${m.member} owns cart-commands ${m.partitions.map((p) => `p${p}`).join(' ') || '(nothing yet)'}`);
  ctx.out.line(`  lag on cart-commands: ${w.lag.map((l) => `p${l.partition}=${l.diverged ? 'DIVERGED' : l.lag ?? '?'}`).join(' ')}`);
  const diverged = w.lag.filter((l) => l.diverged).map((l) => `p${l.partition}`);
  if (diverged.length) ctx.out.line(`  ${diverged.join(' ')}: the committed offset is beyond the log's end (another log, or a recreated topic); the writers resume from their own progress records`);
  if (w.lag.some((l) => l.lag === null)) ctx.out.line('  ?: no command processed on that partition yet');
}

const rethrow = (error: unknown): never => {
  throw error;
};

/** `cartctl status`: the broker, the write side, and the same data as GET /projections, from PostgreSQL and Kafka directly. */
export async function status(ctx: CliContext, argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, [], ['json']);
  // Reaching the broker is the first thing status says: a refused connection is the answer.
  const write = await writeSide(ctx).catch((error: Error) => {
    if (!/Connection|ECONNREFUSED|NumberOfRetriesExceeded|timeout/i.test(`${error.name} ${error.message}`)) throw error;
    throw new CommandFailed(`the Kafka broker does not answer at ${ctx.config.kafka.brokers.join(',')} (${error.message}). Is it running? npm run kafka -- status`);
  });
  const ends = await ctx.admin().endOffsets(ctx.topic);
  // The write side needs only Kafka: with PostgreSQL down, say what still works, then what does not.
  const read = await ctx.ds().then((ds) => projectionStatuses(ds, ctx.projections.map((p) => p.name), ctx.topic, ends))
    .catch((error: unknown) => ({ unavailable: databaseUnavailableReason(error) ?? rethrow(error) }));
  if (flags.has('json')) {
    ctx.out.line(JSON.stringify({ writeSide: write, ...('unavailable' in read ? { projections: null, database: read.unavailable } : { projections: read }) }, null, 2));
    return 'unavailable' in read ? 1 : 0;
  }
  printWriteSide(ctx, write);
  ctx.out.line();
  ctx.out.line(`topic ${ctx.topic}, ${ends.size} partitions, ${thousands([...ends.values()].reduce((a, b) => a + Number(b), 0))} records`);
  ctx.out.line();
  if ('unavailable' in read) {
    ctx.out.line(`read side: PostgreSQL cannot be reached (${read.unavailable}): projections, their lag and health are unknown until it is back; the projectors wait and resume by themselves (their /health/ready says the same)`);
    return 1;
  }
  const statuses = read;
  const rows = statuses.map((s) => [s.name, s.activeGeneration ?? '-', describe(s), thousands(s.lag), thousands(s.eventsApplied), s.unknownSkipped, s.parked, s.lastEventAt ?? '-']);
  table(['PROJECTION', 'GEN', 'STATE', 'LAG', 'APPLIED', 'UNKNOWN', 'PARKED', 'LAST EVENT'], rows).forEach((l) => ctx.out.line(l));
  ctx.out.line();
  const alerts = statuses.flatMap(problems);
  alerts.forEach((l) => ctx.out.line(l));
  if (alerts.length) ctx.out.line();
  for (const s of statuses) {
    ctx.out.line(`${s.name} g${s.activeGeneration ?? '-'} lag by partition: ${s.partitions.map((p) => `p${p.partition}=${p.lag}`).join(' ')}`);
    if (s.rebuild) {
      const r = s.rebuild;
      ctx.out.line(`${s.name} rebuild g${r.generation} (${r.mode}, since ${r.startedAt}): ${thousands(r.done)}/${thousands(r.total)} log records, lag by partition: ${r.partitions.map((p) => `p${p.partition}=${p.lag}`).join(' ')}`);
    }
  }
  return 0;
}
