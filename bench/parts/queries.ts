import type { BenchContext } from '../lib/context';
import { runHttpLoad, type LoadResult } from '../lib/http-load';
import { waitForProjections } from '../lib/projections';
import { ensureCarts, measured } from './commands';

export interface QueryResults extends LoadResult {
  readonly connections: number;
  readonly carts: number;
  readonly cpu: Record<string, number>;
  readonly pgCommitsPerSecond: number;
}

/** GET /carts/:id over the run's carts (all in the read model first), 64 connections. */
export async function runQueryLoad(ctx: BenchContext): Promise<QueryResults> {
  const query = await ctx.stack.get('query-service');
  const projector = await ctx.stack.get('projector');
  const carts = await ensureCarts(ctx);
  await waitForProjections(ctx, 120_000);
  const { connections, querySeconds } = ctx.options.sizes;
  const spec = { url: query.url, kind: 'get-cart' as const, carts, connections };
  ctx.log(`queries: 3 s warm-up, then ${querySeconds} s of GET /carts/:id, ${connections} connections`);
  await runHttpLoad({ ...spec, seconds: 3 });
  const result = await measured(ctx, [query, projector], () => runHttpLoad({ ...spec, seconds: querySeconds }));
  return { ...result, connections, carts: carts.length };
}
