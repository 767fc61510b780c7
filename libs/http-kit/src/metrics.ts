import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Gauge, Histogram, register } from 'prom-client';

/**
 * Prometheus metrics of one service process: Node's default process metrics, the HTTP RED
 * histogram below and whatever the service registers in prom-client's default registry. Every
 * series carries `service`; no label ever holds an id (cart, customer, correlation), so the
 * number of series stays bounded.
 */
let collecting = false;
export function startMetrics(service: string): void {
  if (collecting) return;
  collecting = true;
  register.setDefaultLabels({ service });
  collectDefaultMetrics();
}

/** RED per route: `_count` is the rate, `status_code` the errors, the buckets the duration. */
export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests served, by method, route template and status code',
  labelNames: ['method', 'route', 'status_code'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

interface PoolUsage { readonly total: number; readonly idle: number; readonly waiting: number }

/**
 * The database pool's connections (`state`: total, idle, waiting — queries queued for a
 * connection), read at scrape time from `read` (a service with a database passes read-model's
 * `poolUsage`). Registered once per process, on the first call.
 */
let poolSource: (() => PoolUsage | null) | undefined;
let poolGauge: Gauge<'state'> | undefined;
export function trackDatabasePool(read: () => PoolUsage | null): Gauge<'state'> {
  poolSource = read;
  poolGauge ??= new Gauge({
    name: 'db_pool_connections', help: 'PostgreSQL pool connections by state: total (open), idle, waiting (queries queued for a connection)',
    labelNames: ['state'] as const,
    collect() {
      const usage = poolSource?.();
      if (!usage) return;
      this.set({ state: 'total' }, usage.total);
      this.set({ state: 'idle' }, usage.idle);
      this.set({ state: 'waiting' }, usage.waiting);
    },
  });
  return poolGauge;
}

/**
 * `GET /metrics` in the Prometheus text format, on Fastify itself: every service has it without
 * a controller in its module, and it stays out of the OpenAPI documents (it is not the product's API).
 */
export function serveMetrics(fastify: FastifyInstance): void {
  fastify.get('/metrics', async (_request, reply) => {
    void reply.header('content-type', register.contentType);
    return register.metrics();
  });
}
