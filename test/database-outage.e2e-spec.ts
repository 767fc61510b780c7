import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDatabaseUrl, startEmbeddedPostgres, type EmbeddedPostgresHandle } from '@carts/infra';
import { PROJECTIONS } from '@carts/read-model';
import { activeGenerationOf, as, http, isolatedEnv, runCartctl, ServiceProcess, snapshotGeneration, waitFor, type HttpResult, type IsolatedEnv } from '@carts/testing';
import { findFreePorts } from '../libs/infra/src/free-port';
import { CartApi } from '../apps/command-service/test/support/cart-api';
import { runLoad, type Sent } from '../apps/command-service/test/support/load';

/** The figure: the database is gone for a minute, under load. */
const OUTAGE_MS = 60_000;
/** The query service must answer within this, connect timeout included (DATABASE_CONNECT_TIMEOUT_MS, default 2 s). */
const ANSWER_WITHIN_MS = 3000;
const PROBE_EVERY_MS = 3000;
const CARTS = 12;
const report = (line: string) => process.stderr.write(`[database-outage] ${line}\n`);

interface Probe {
  readonly cart: HttpResult<Record<string, unknown>>;
  readonly cartMs: number;
  readonly queryReady: HttpResult<{ reasons?: Record<string, string[]> }>;
  readonly projectorReady: HttpResult<{ reasons?: Record<string, string[]> }>;
}

/**
 * PostgreSQL — an embedded server this file owns, on a port and data directory of its own (never
 * the machine's shared server) — stops for 60 s while commands keep coming. The write side needs
 * only Kafka and keeps acknowledging; the query service answers 503 problem+json with Retry-After
 * quickly; both read-side services report not-ready with the reason; the projector stays up,
 * waits and never crashes. Once the same server is back on the same port and data, everything
 * resumes without a restart, and every read model equals a clean rebuild, row for row.
 */
describe('PostgreSQL stopped for 60 s under a command load', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'carts-dbfault-pg-'));
  let port: number;
  let pg: EmbeddedPostgresHandle | undefined;
  let stack: IsolatedEnv | undefined;
  let command: ServiceProcess;
  let projector: ServiceProcess;
  let query: ServiceProcess;
  const startPostgres = () => startEmbeddedPostgres({ port, dataDir, log: report });

  beforeAll(async () => {
    port = await findFreePorts(25432);
    pg = await startPostgres();
    stack = await isolatedEnv('dbfault', { PROJECTOR_SESSION_TIMEOUT_MS: '3000' }, { server: parseDatabaseUrl(pg.url).on('carts_test') });
    // One after the other, each kept for afterAll before it is ready: on a busy 2-core box three
    // services starting at once can take longer than a readiness wait.
    projector = await started('projector');
    query = await started('query-service');
    command = await started('command-service');
  }, 420_000);

  const services: ServiceProcess[] = [];
  async function started(name: 'projector' | 'query-service' | 'command-service'): Promise<ServiceProcess> {
    const service = await ServiceProcess.start(name, stack!.env, { waitReady: false });
    services.push(service);
    await service.ready(120_000);
    return service;
  }

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await stack?.dispose();
    await pg?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const operator = async () => as.operator();
  const restarts = async (): Promise<number> => {
    const text = await (await fetch(`${projector.url}/metrics`)).text();
    // The counter must be there to be read as 0 (a renamed metric would read 0 forever).
    expect(text).toMatch(/^# TYPE projection_restarts_total counter$/m);
    return [...text.matchAll(/^projection_restarts_total\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  };

  it('503 + Retry-After within 3 s and not-ready while it is down; no crash; afterwards lag 0 and every read model equals a clean rebuild', async () => {
    const api = new CartApi(command.url);
    const carts: string[] = [];
    // The writers may still be taking their partitions (a 503 then): retry under the same key, which reaches the same cart.
    for (let i = 0; i < CARTS; i++) {
      const key = { 'idempotency-key': randomUUID() };
      const created = await waitFor(() => api.createCart('c-1', key), (r) => r.status === 201 || r.status === 200, { timeoutMs: 60_000, intervalMs: 500, what: 'a cart created' });
      carts.push(created.body.cartId);
    }
    let stopLoad!: () => void;
    const loadStopped = new Promise<void>((resolve) => (stopLoad = resolve));
    const load = runLoad({ carts, total: Number.MAX_SAFE_INTEGER, concurrency: 2, urls: () => [command.url], until: loadStopped, maxMs: 240_000 });
    // A failed expectation during the outage must not leave the load running.
    try {
      await outageUnderLoad(carts, load, stopLoad);
    } finally {
      stopLoad();
      await load;
    }
  }, 420_000);

  async function outageUnderLoad(carts: string[], load: Promise<Sent[]>, stopLoad: () => void): Promise<void> {
    // The read side is live before the fault: the load's first commands reach the read model.
    await waitFor(async () => http<{ version?: number }>('GET', `${query.url}/carts/${carts[0]}`, undefined, await operator()),
      (r) => r.status === 200 && (r.body.version ?? 0) >= 2, { timeoutMs: 30_000, intervalMs: 200, what: 'the load reaching the read model before the outage' });
    const pids = { projector: projector.pid, query: query.pid };

    await pg!.stop();
    const down = Date.now();
    report(`PostgreSQL stopped (port ${port}); keeping it down ${OUTAGE_MS / 1000} s under load`);
    const probes: Probe[] = [];
    const cartctl = await runCartctl(['status'], stack!.env);
    const projections = await http('GET', `${query.url}/projections`, undefined, await operator());
    while (Date.now() - down < OUTAGE_MS) {
      const started = Date.now();
      const cart = await http('GET', `${query.url}/carts/${carts[probes.length % CARTS]}`, undefined, await operator());
      const cartMs = Date.now() - started;
      const [queryReady, projectorReady] = await Promise.all([http('GET', `${query.url}/health/ready`), http('GET', `${projector.url}/health/ready`)]);
      probes.push({ cart, cartMs, queryReady, projectorReady } as Probe);
      expect(projector.child.exitCode).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, Math.min(PROBE_EVERY_MS, Math.max(0, down + OUTAGE_MS - Date.now()))));
    }
    const restartsDuringOutage = await restarts();

    pg = await startPostgres();
    const up = Date.now();
    report(`PostgreSQL started again after ${((up - down) / 1000).toFixed(1)} s`);
    await waitFor(() => http('GET', `${projector.url}/health/ready`), (r) => r.status === 200, { timeoutMs: 60_000, intervalMs: 250, what: 'the projector ready again' });
    await waitFor(() => http('GET', `${query.url}/health/ready`), (r) => r.status === 200, { timeoutMs: 60_000, intervalMs: 250, what: 'the query service ready again' });
    report(`both services ready ${Date.now() - up} ms after the restart`);
    stopLoad();
    const sent: Sent[] = await load;
    await stack!.caughtUp(120_000);
    report(`lag 0 ${Date.now() - up} ms after the restart; ${sent.length} commands sent, ${probes.length} probes during the outage`);
    for (const service of [projector, query]) {
      const lines = service.output.split('\n').filter((l) => /database|reconcile|LISTEN/i.test(l));
      report(`${service.name} logged ${lines.length} line(s) about it:\n${lines.slice(0, 8).join('\n')}`);
    }

    // While it was down: every read answered 503 problem+json with Retry-After, quickly.
    expect(probes.length).toBeGreaterThanOrEqual(10);
    for (const p of probes) {
      expect(p.cart.status).toBe(503);
      expect(p.cart.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(p.cart.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
      expect(p.cart.body).toMatchObject({ type: 'urn:carts:problem:service-unavailable', status: 503, code: 'DATABASE_UNAVAILABLE' });
      expect(JSON.stringify(p.cart.body)).not.toMatch(/stack|at .*\.js/);
      expect(p.cartMs).toBeLessThanOrEqual(ANSWER_WITHIN_MS);
      expect(p.queryReady.status).toBe(503);
      expect(p.queryReady.body.reasons?.postgres?.join()).toMatch(/database unavailable/);
      expect(p.projectorReady.status).toBe(503);
      expect(p.projectorReady.body.reasons?.postgres?.join()).toMatch(/database unavailable/);
    }
    report(`slowest 503 during the outage: ${Math.max(...probes.map((p) => p.cartMs))} ms`);
    // The projector said why its projections stood still (it had batches to write: the load went on).
    expect(probes.some((p) => /waiting for the database/.test(p.projectorReady.body.reasons?.projections?.join() ?? ''))).toBe(true);
    expect(projections).toMatchObject({ status: 503, body: { code: 'DATABASE_UNAVAILABLE' } });
    // cartctl status still shows the write side (Kafka only), then says the read side cannot be read.
    expect(cartctl.code).toBe(1);
    expect(cartctl.stdout).toMatch(/^write side: /m);
    expect(cartctl.stdout).toMatch(/^read side: PostgreSQL cannot be reached \(database unavailable: /m);
    expect(cartctl.stdout + cartctl.stderr).not.toMatch(/\n\s+at /);

    // No crash, no restart loop, no restart needed: the same processes, the consumers never gave up.
    expect([projector.pid, query.pid]).toEqual([pids.projector, pids.query]);
    expect(projector.child.exitCode).toBeNull();
    expect(restartsDuringOutage).toBe(0);
    expect(await restarts()).toBe(0);

    // The write side never needed PostgreSQL: it acknowledged commands during the outage, and
    // every acknowledged command is in the read model now.
    const acked = sent.filter((s) => s.status >= 200 && s.status < 300);
    const duringOutage = acked.filter((s) => s.at > down && s.at < up);
    report(`${acked.length} commands acknowledged, ${duringOutage.length} of them while PostgreSQL was down`);
    expect(duringOutage.length).toBeGreaterThan(0);
    const highest = new Map<string, number>();
    for (const s of acked) highest.set(s.cartId, Math.max(highest.get(s.cartId) ?? 0, s.version!));
    for (const [cartId, version] of highest) {
      const cart = await http<{ version: number }>('GET', `${query.url}/carts/${cartId}`, undefined, await operator());
      expect(cart.status).toBe(200);
      expect(cart.body.version).toBeGreaterThanOrEqual(version);
    }

    // Nothing lost, nothing applied twice: each read model equals, row for row, one rebuilt from offset 0.
    for (const projection of PROJECTIONS) {
      const survived = await activeGenerationOf(stack!.ds, projection.name);
      const afterOutage = await snapshotGeneration(stack!.ds, projection, survived);
      expect(await runCartctl(['rebuild', projection.name], stack!.env)).toMatchObject({ code: 0 });
      const clean = await activeGenerationOf(stack!.ds, projection.name);
      expect(clean).toBe(survived + 1);
      const fromScratch = await snapshotGeneration(stack!.ds, projection, clean);
      // Not two empty sets (the load has no checkouts, so a revenue table may stay empty).
      expect(Object.values(fromScratch).some((rows) => rows.length > 0)).toBe(true);
      expect(afterOutage).toEqual(fromScratch);
    }
  }
});
