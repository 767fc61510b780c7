// The HTTP load generator, run as its own process (fork) so it does not share an event loop with
// the probes or the services. It receives a LoadSpec over IPC, runs autocannon, sends LoadResult.
import type { LoadResult, LoadSpec } from './http-load';

interface Histogram { average: number; p50: number; p99: number; p99_9: number; max: number }
interface AutocannonResult {
  duration: number; errors: number; timeouts: number; non2xx: number; latency: Histogram; requests: Histogram & { total: number };
  statusCodeStats?: Record<string, { count: number }>; '2xx': number;
}
interface RawRequest { method: string; path: string; headers?: Record<string, string>; body?: string }
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

const SKUS = Array.from({ length: 40 }, (_, i) => `SKU-${String(i).padStart(4, '0')}`);

function setupFor(spec: LoadSpec): (request: RawRequest) => RawRequest {
  const carts = spec.carts;
  const auth = spec.authorizations ?? {};
  const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)];
  if (spec.kind === 'get-cart') {
    return (request) => {
      const cartId = pick(carts);
      return { ...request, method: 'GET', path: `/carts/${cartId}`, headers: { authorization: auth[cartId] } };
    };
  }
  return (request) => {
    const n = Math.floor(Math.random() * SKUS.length);
    const cartId = pick(carts);
    const body = JSON.stringify({ sku: SKUS[n], name: `Product ${n}`, quantity: 1, unitPrice: 199 + n * 37, currency: 'EUR' });
    return { ...request, method: 'POST', path: `/carts/${cartId}/items`, headers: { 'content-type': 'application/json', authorization: auth[cartId] }, body };
  };
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const cpu = process.cpuUsage();
  const result = await autocannon({
    url: spec.url, connections: spec.connections, duration: spec.seconds, timeout: 10,
    requests: [{ setupRequest: setupFor(spec) }],
  });
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, Number(s.count)]));
  const ok = result['2xx'];
  const used = process.cpuUsage(cpu);
  return {
    seconds: result.duration, requests: result.requests.total, ok, perSecond: Math.round(ok / result.duration),
    p50: result.latency.p50, p99: result.latency.p99, p999: result.latency.p99_9, max: result.latency.max, average: result.latency.average,
    errors: result.errors + result.non2xx, connectionErrors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, statuses,
    generatorCores: Math.round(((used.user + used.system) / 1e6 / result.duration) * 100) / 100,
  };
}

process.once('message', (spec: LoadSpec) => {
  run(spec).then((result) => process.send?.({ result }), (error: Error) => process.send?.({ error: error.stack ?? String(error) }))
    .finally(() => process.disconnect?.());
});
