// `npm run bench [-- part ... --quick]`: the whole pipeline against raw Kafka and PostgreSQL, measured
// in the same run on the real stack. See docs/benchmarks.md.
import { loadavg } from 'node:os';
import * as path from 'node:path';
import { createBenchEnv } from './lib/bench-env';
import type { BenchContext } from './lib/context';
import { describeCode, describeMachine } from './lib/machine';
import { ROOT } from './lib/paths';
import { parseOptions, USAGE, UsageError, type Part } from './lib/options';
import { closeProjectionClients } from './lib/projections';
import { Stack } from './lib/stack';
import { runBaselines } from './parts/baselines';
import { runCommandLoad } from './parts/commands';
import { runFailover } from './parts/failover';
import { runPeerLoad } from './parts/peer';
import { runObservability } from './parts/observability';
import { runQueryLoad } from './parts/queries';
import { runRebuilds } from './parts/rebuild';
import { consoleTable, updateDocs, writeResults } from './report/output';
import type { BenchResults } from './report/results';

const log = (line: string) => void process.stderr.write(`[bench] ${line}\n`);

async function baselinesFor(ctx: BenchContext, results: BenchResults): Promise<void> {
  const { baselineMessages, upsertRows } = ctx.options.sizes;
  log(`baselines: raw producer and consumer (${baselineMessages.toLocaleString('en-US')} messages), raw upsert (${upsertRows.toLocaleString('en-US')} rows)`);
  ctx.baselines = results.baselines = await runBaselines(ctx.env, baselineMessages, upsertRows);
}

async function runPart(ctx: BenchContext, results: BenchResults, part: Part): Promise<void> {
  switch (part) {
    case 'baselines':
      return baselinesFor(ctx, results);
    case 'commands':
    case 'lag': {
      if (results.commands) return; // one load measures both
      const { commands, lag } = await runCommandLoad(ctx);
      Object.assign(results, { commands, lag });
      return;
    }
    case 'peer':
      // Back to back with ours, in the same run: ours first if it was not asked for.
      if (!results.commands) await runPart(ctx, results, 'commands');
      if (!results.commands) throw new Error('our command load did not run: nothing to compare the peer with');
      results.peer = await runPeerLoad(ctx, results.commands);
      return;
    case 'observability':
      results.observability = await runObservability(ctx);
      return;
    case 'queries':
      results.queries = await runQueryLoad(ctx);
      return;
    case 'rebuild':
      results.rebuild = await runRebuilds(ctx);
      return;
    case 'failover':
      results.failover = await runFailover(ctx);
      return;
  }
}

async function runAll(ctx: BenchContext, results: BenchResults): Promise<void> {
  const parts = ctx.options.parts;
  // Ratios are always against baselines of the same run: measure them even when not asked for.
  if (!parts.includes('baselines') && parts.some((p) => ['commands', 'lag', 'rebuild'].includes(p))) await baselinesFor(ctx, results);
  for (const part of parts) {
    const started = Date.now();
    try {
      await runPart(ctx, results, part);
      log(`${part} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } catch (error) {
      log(`${part} FAILED: ${(error as Error).stack ?? error}`);
      results.failures.push({ part, error: (error as Error).message ?? String(error) });
    }
  }
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const options = parseOptions(argv);
  const env = await createBenchEnv();
  const stack = new Stack(env.env, options.profileDir);
  const ctx: BenchContext = { env, options, stack, log };
  let cleaned: Promise<void> | null = null;
  const cleanup = () => (cleaned ??= (async () => {
    await stack.stopAll();
    await closeProjectionClients();
    await env.dispose();
  })());
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  const results: BenchResults = {
    run: env.run, startedAt: new Date().toISOString(), mode: options.quick ? 'quick' : 'full', command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    parts: options.parts, sizes: options.sizes, machine: await describeMachine(ROOT, env.databaseUrl), code: describeCode(ROOT), failures: [],
  };
  try {
    await runAll(ctx, results);
  } finally {
    await cleanup();
  }
  results.finishedAt = new Date().toISOString();
  results.machine.loadAfter = loadavg()[0];
  console.log(`\n${consoleTable(results)}\n`);
  log(`results: ${path.relative(ROOT, writeResults(ROOT, results))}`);
  if (options.docs) updateDocs(ROOT, results);
  return results.failures.length > 0 ? 1 : 0;
}

main().then((code) => process.exit(code), (error) => {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n${USAGE}`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
