import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { beginBlueGreen, dropGenerationTablesOnline, PROJECTIONS, projectionNamed, trySwap, type ProjectionStatus } from '@carts/read-model';
import { runCartctl } from '../lib/cartctl';
import type { BenchContext } from '../lib/context';
import { loadLog } from '../lib/log-loader';
import { measureCpu } from '../lib/cpu-usage';
import { memoryOf, sampleRss } from '../lib/machine';
import { ROOT } from '../lib/paths';
import { benchDataSource, statuses, waitForProjections } from '../lib/projections';
import { perSecond, pollUntil, round, sleep } from '../lib/stats';

export interface RebuildFigure {
  readonly projection: string;
  readonly events: number;
  /** From the rebuild's start until the new generation has read the whole log. */
  readonly fillMs: number;
  readonly perSecond: number;
  /** The whole `cartctl rebuild`, swap and drop of the old tables included. */
  readonly wallMs: number;
  readonly peakRssMb: number;
  readonly ratioToConsumer: number | null;
  readonly cpu: Record<string, number>;
}

export interface RebuildResults {
  readonly events: number;
  readonly carts: number | null;
  readonly loadMs: number;
  /** The three live projections reading the newly written log at once, before the rebuilds. */
  readonly catchUpMs: number;
  readonly via: 'cartctl' | 'library';
  readonly projections: RebuildFigure[];
  readonly projectorHwmMb: number;
}

const TIMEOUT_MS = 15 * 60_000;

/** Fills cart-events up to the target once per run (the failover part reuses it). */
export async function ensureLog(ctx: BenchContext): Promise<NonNullable<BenchContext['eventLog']>> {
  if (ctx.eventLog) return ctx.eventLog;
  ctx.log(`writing cart-events up to ${ctx.options.sizes.logEvents.toLocaleString('en-US')} events`);
  ctx.eventLog = await loadLog(ctx.env.kafka, ctx.env.topics.events, ctx.options.sizes.logEvents, ctx.log);
  ctx.log(`  ${ctx.eventLog.written.toLocaleString('en-US')} events (${ctx.eventLog.carts.toLocaleString('en-US')} carts) in ${(ctx.eventLog.ms / 1000).toFixed(1)} s`);
  return ctx.eventLog;
}

async function cartctlHasRebuild(env: Record<string, string>): Promise<boolean> {
  if (!existsSync(path.join(ROOT, 'dist/apps/cartctl/src/main.js'))) return false;
  const help = await runCartctl(['help'], env, 30_000);
  return /\brebuild <projection>/.test(help.output);
}

/** cartctl's blue/green rebuild done with the same library calls, for while cartctl has no rebuild command. */
async function rebuildWithLibrary(ctx: BenchContext, name: string): Promise<void> {
  const ds = await benchDataSource(ctx);
  const projection = projectionNamed(name);
  const { active, building } = await beginBlueGreen(ds, projection);
  await pollUntil(() => statuses(ctx), (all) => all.find((s) => s.name === name)?.rebuild?.lag === 0, TIMEOUT_MS, `${name} g${building} to catch up`, 200);
  await pollUntil(() => trySwap(ds, name, active, building, ctx.env.topics.events), (r) => r !== 'behind', 60_000, `${name} swap`, 100);
  await dropGenerationTablesOnline(ds, projection, active);
}

/** Polls the rebuild's progress until `stop` resolves; returns when the new generation caught up. */
async function watchFill(ctx: BenchContext, name: string, started: number, finished: () => boolean): Promise<{ caughtUpAt: number; events: number }> {
  let seen: ProjectionStatus['rebuild'] = null;
  for (;;) {
    const status = (await statuses(ctx)).find((s) => s.name === name);
    if (status?.rebuild) seen = status.rebuild;
    // Swapped already (the rebuild entry is gone), or the new generation has read everything.
    if (seen && (!status?.rebuild || status.rebuild.lag === 0)) return { caughtUpAt: Date.now(), events: seen.total };
    if (finished() || Date.now() - started > TIMEOUT_MS) return { caughtUpAt: Date.now(), events: status?.total ?? 0 };
    await sleep(200);
  }
}

async function rebuildOne(ctx: BenchContext, name: string, projectorPid: number, viaCartctl: boolean): Promise<RebuildFigure> {
  const rss = sampleRss(projectorPid);
  const cpu = measureCpu(new Map([[projectorPid, 'projector']]), ctx.env.databaseUrl);
  const started = Date.now();
  let finished = false;
  const run = (viaCartctl ? runCartctl(['rebuild', name], ctx.env.env, TIMEOUT_MS).then((r) => {
    if (r.code !== 0) throw new Error(`cartctl rebuild ${name} exited ${r.code}:\n${r.output.slice(-2000)}`);
  }) : rebuildWithLibrary(ctx, name)).finally(() => (finished = true));
  const fill = await watchFill(ctx, name, started, () => finished);
  const cores = await cpu.stop();
  await run;
  const wallMs = Date.now() - started;
  const fillMs = fill.caughtUpAt - started;
  const consumer = ctx.baselines?.consumer.perSecond;
  const rate = perSecond(fill.events, fillMs);
  return { projection: name, events: fill.events, fillMs, perSecond: rate, wallMs, peakRssMb: round(rss.stop()), ratioToConsumer: consumer ? round(rate / consumer, 3) : null, cpu: cores };
}

/** 1M events (quick: 100k) in cart-events, then a blue/green rebuild of each projection in turn. */
export async function runRebuilds(ctx: BenchContext): Promise<RebuildResults> {
  const projector = await ctx.stack.get('projector');
  const loaded = await ensureLog(ctx);
  const catchUpStarted = Date.now();
  await waitForProjections(ctx, TIMEOUT_MS);
  const catchUpMs = Date.now() - catchUpStarted;
  ctx.log(`live projections caught up in ${(catchUpMs / 1000).toFixed(1)} s`);
  const viaCartctl = await cartctlHasRebuild(ctx.env.env);
  const figures: RebuildFigure[] = [];
  for (const projection of PROJECTIONS) {
    ctx.log(`rebuild ${projection.name} (${viaCartctl ? 'cartctl rebuild' : 'library calls: cartctl has no rebuild yet'})`);
    if (ctx.options.profileDir) projector.toggleProfiler();
    figures.push(await rebuildOne(ctx, projection.name, projector.pid, viaCartctl));
    if (ctx.options.profileDir) projector.toggleProfiler();
    const f = figures[figures.length - 1];
    ctx.log(`  ${f.events.toLocaleString('en-US')} events in ${(f.fillMs / 1000).toFixed(1)} s (${f.perSecond.toLocaleString('en-US')}/s), wall ${(f.wallMs / 1000).toFixed(1)} s, peak RSS ${f.peakRssMb} MB`);
  }
  return { events: figures[0]?.events ?? loaded.totalRecords, carts: loaded.written > 0 ? loaded.carts : null, loadMs: loaded.ms, catchUpMs,
    via: viaCartctl ? 'cartctl' : 'library', projections: figures, projectorHwmMb: round(memoryOf(projector.pid)?.hwmMb ?? 0) };
}
