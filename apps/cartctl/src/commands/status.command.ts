import { projectionStatuses, type ProjectionStatus } from '@carts/read-model';
import { parseArgs } from '../args';
import type { CliContext } from '../context';
import { table, thousands } from '../format';

export const statusUsage = 'status [--json]                       what GET /projections shows: generations, health (diverged, failed, restarts), lag per partition, rebuilds';

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

/** `cartctl status`: the same data as GET /projections, from PostgreSQL and Kafka directly. */
export async function status(ctx: CliContext, argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, [], ['json']);
  const ends = await ctx.admin().endOffsets(ctx.topic);
  const statuses = await projectionStatuses(await ctx.ds(), ctx.projections.map((p) => p.name), ctx.topic, ends);
  if (flags.has('json')) {
    ctx.out.line(JSON.stringify({ projections: statuses }, null, 2));
    return 0;
  }
  ctx.out.line(`topic ${ctx.topic}, ${ends.size} partitions, ${thousands([...ends.values()].reduce((a, b) => a + Number(b), 0))} records`);
  ctx.out.line();
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
