import { OtlpReceiver } from '@carts/testing';
import type { ServiceName } from '@carts/testing';
import type { BenchContext } from '../lib/context';
import { runHttpLoad } from '../lib/http-load';
import { startService, type BenchService } from '../lib/stack';
import { round, sleep } from '../lib/stats';
import { ensureCarts, measured } from './commands';

/** One setting of the observability switches, measured under the same AddItem load. */
export interface ObservabilityRun {
  readonly label: string;
  readonly tracing: boolean;
  readonly scraped: boolean;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly requests: number;
  /** Cores used by the three services together, and that per command (CPU ms of the services per 2xx). */
  readonly serviceCores: number;
  readonly cpuMsPerCommand: number;
  /** Spans the local OTLP sink received per second (tracing runs). */
  readonly spansPerSecond: number | null;
  /** Scrapes of the three /metrics endpoints per second (scraped runs), and bytes per scrape. */
  readonly scrapesPerSecond: number | null;
  readonly scrapeBytes: number | null;
}

export interface ObservabilityResults {
  readonly connections: number;
  readonly seconds: number;
  readonly runs: ObservabilityRun[];
}

const SERVICES: ServiceName[] = ['command-service', 'projector', 'query-service'];
const WARM_UP_SECONDS = 3;
const SCRAPE_EVERY_MS = 1000;

/**
 * Scrapes every service's /metrics once a second (Prometheus' usual interval is 15-60 s: this is
 * a harsh case) until stopped. There is no switch that turns the metrics off: they are recorded on
 * every request whatever happens, so the measurable difference is "scraped" vs "not scraped".
 */
function scrapeEverySecond(services: readonly BenchService[]): { stop(): Promise<{ scrapes: number; bytes: number }> } {
  let running = true;
  let scrapes = 0;
  let bytes = 0;
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      await Promise.all(services.map(async (s) => {
        const text = await (await fetch(`${s.url}/metrics`)).text();
        scrapes++;
        bytes += text.length;
      }));
      await sleep(Math.max(0, SCRAPE_EVERY_MS - (Date.now() - started)));
    }
  })();
  return { async stop() { running = false; await loop; return { scrapes, bytes }; } };
}

async function startAll(ctx: BenchContext, env: Record<string, string>): Promise<BenchService[]> {
  const started = await Promise.allSettled(SERVICES.map((name) => startService(name, env, ctx.options.profileDir)));
  const up = started.filter((s): s is PromiseFulfilledResult<BenchService> => s.status === 'fulfilled').map((s) => s.value);
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(up.map((s) => s.process.stop()));
    throw failed.reason;
  }
  return up;
}

/**
 * The cost of metrics and tracing, in the same run: the AddItem load of the commands part (same
 * carts and connections, half its duration) against the three services started with tracing off
 * (OTEL_SDK_DISABLED) and then on (exporting every span to a local OTLP/HTTP sink in this process,
 * with a queue large enough that none is dropped), each unscraped and then scraped every second.
 */
export async function runObservability(ctx: BenchContext): Promise<ObservabilityResults> {
  const carts = await ensureCarts(ctx);
  // Our own instances, in the same consumer groups: the shared ones must not split the partitions with them.
  await ctx.stack.stopAll();
  const { connections } = ctx.options.sizes;
  const seconds = Math.max(3, Math.round(ctx.options.sizes.commandSeconds / 2));
  const spec = { url: '', kind: 'add-item' as const, carts, connections };
  const sink = await OtlpReceiver.start({ keep: false });
  const runs: ObservabilityRun[] = [];
  try {
    for (const tracing of [false, true]) {
      const env = tracing
        ? { ...ctx.env.env, OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_BSP_SCHEDULE_DELAY: '1000', OTEL_BSP_MAX_QUEUE_SIZE: '200000', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '4000' }
        : { ...ctx.env.env, OTEL_SDK_DISABLED: 'true' };
      const services = await startAll(ctx, env);
      try {
        const url = services[0].url;
        await runHttpLoad({ ...spec, url, seconds: WARM_UP_SECONDS });
        for (const scraped of [false, true]) {
          const label = `tracing ${tracing ? 'on' : 'off'}, metrics ${scraped ? 'scraped every 1 s' : 'not scraped'}`;
          ctx.log(`observability: ${label}, ${seconds} s of AddItem, ${connections} connections`);
          const spansBefore = sink.spanCount;
          const scraper = scraped ? scrapeEverySecond(services) : undefined;
          const result = await measured(ctx, services, () => runHttpLoad({ ...spec, url, seconds }));
          const scrapes = await scraper?.stop();
          const serviceCores = round(SERVICES.reduce((sum, name) => sum + (result.cpu[name] ?? 0), 0), 2);
          runs.push({
            label, tracing, scraped, perSecond: result.perSecond, p50: result.p50, p99: result.p99, errors: result.errors, requests: result.requests,
            serviceCores, cpuMsPerCommand: result.perSecond > 0 ? round((serviceCores / result.perSecond) * 1000, 3) : 0,
            spansPerSecond: tracing ? Math.round((sink.spanCount - spansBefore) / seconds) : null,
            scrapesPerSecond: scrapes ? round(scrapes.scrapes / seconds, 1) : null,
            scrapeBytes: scrapes && scrapes.scrapes > 0 ? Math.round(scrapes.bytes / scrapes.scrapes) : null,
          });
        }
      } finally {
        await Promise.all(services.map((s) => s.process.stop()));
      }
    }
  } finally {
    await sink.close();
  }
  return { connections, seconds, runs };
}
