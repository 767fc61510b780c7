import { createCarts } from '../lib/carts-api';
import type { BenchContext } from '../lib/context';
import { measureCpu, postgresCommits } from '../lib/cpu-usage';
import { runHttpLoad, type LoadResult } from '../lib/http-load';
import { pidsOf, type BenchService } from '../lib/stack';
import { round } from '../lib/stats';
import { runLagProbe, type LagResults } from './lag-probe';

export interface CommandResults extends LoadResult {
  readonly connections: number;
  readonly carts: number;
  /** 2xx commands per second ÷ raw producer messages per second, both from this run. */
  readonly ratioToProducer: number | null;
  /** Cores used per process group during the load. */
  readonly cpu: Record<string, number>;
  /** Transactions per second committed in this run's database during the load (the projections'). */
  readonly pgCommitsPerSecond: number;
}

const PROBE_CARTS = 200;
const WARM_UP_SECONDS = 3;

/** The carts the loads use, created once per run through the command service. */
export async function ensureCarts(ctx: BenchContext): Promise<string[]> {
  if (ctx.carts) return ctx.carts;
  const command = await ctx.stack.get('command-service');
  const started = Date.now();
  const all = await createCarts(command.url, ctx.options.sizes.carts + PROBE_CARTS);
  ctx.carts = all.slice(PROBE_CARTS);
  ctx.probeCarts = all.slice(0, PROBE_CARTS);
  ctx.log(`created ${all.length.toLocaleString('en-US')} carts in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return ctx.carts;
}

/** Runs a measurement with CPU accounting, and with --profile, the services' CPU profilers on. */
export async function measured<T>(ctx: BenchContext, services: BenchService[], work: () => Promise<T>): Promise<T & { cpu: Record<string, number>; pgCommitsPerSecond: number }> {
  if (ctx.options.profileDir) services.forEach((s) => s.toggleProfiler());
  const [commits, started] = [await postgresCommits(ctx.env.databaseUrl), Date.now()];
  const cpu = measureCpu(pidsOf(services), ctx.env.databaseUrl);
  try {
    const result = await work();
    const pgCommitsPerSecond = Math.round(((await postgresCommits(ctx.env.databaseUrl)) - commits) / ((Date.now() - started) / 1000));
    return { ...result, cpu: await cpu.stop(), pgCommitsPerSecond };
  } finally {
    if (ctx.options.profileDir) services.forEach((s) => s.toggleProfiler());
  }
}

/**
 * AddItem over the run's carts from autocannon in its own process, 64 connections, while the lag
 * probe samples the time from a command's 2xx to its version in the query service.
 */
export async function runCommandLoad(ctx: BenchContext): Promise<{ commands: CommandResults; lag: LagResults }> {
  const [command, query] = [await ctx.stack.get('command-service'), await ctx.stack.get('query-service')];
  const projector = await ctx.stack.get('projector');
  const carts = await ensureCarts(ctx);
  const { connections, commandSeconds } = ctx.options.sizes;
  const spec = { url: command.url, kind: 'add-item' as const, carts, connections };
  ctx.log(`commands: ${WARM_UP_SECONDS} s warm-up, then ${commandSeconds} s of AddItem over ${carts.length.toLocaleString('en-US')} carts, ${connections} connections`);
  await runHttpLoad({ ...spec, seconds: WARM_UP_SECONDS });
  const { load, lag, cpu, pgCommitsPerSecond } = await measured(ctx, [command, projector, query], async () => {
    const [load, lag] = await Promise.all([
      runHttpLoad({ ...spec, seconds: commandSeconds }),
      runLagProbe(command.url, query.url, ctx.probeCarts ?? carts, commandSeconds * 1000 - 500),
    ]);
    return { load, lag };
  });
  const producer = ctx.baselines?.producer.perSecond;
  return { commands: { ...load, connections, carts: carts.length, ratioToProducer: producer ? round(load.perSecond / producer, 3) : null, cpu, pgCommitsPerSecond }, lag };
}
