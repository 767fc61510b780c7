import type { INestApplication } from '@nestjs/common';
import { loadConfig } from '@carts/config';
import type { ProjectionSink } from '@carts/event-log';
import { createHttpApp } from '@carts/http';
import { PostgresProjectionSink, projectionStatuses, PROJECTIONS, type ProjectionStatus } from '@carts/read-model';
import { as, freePort, generateCartEvents, http, isolatedEnv, runCartctl, ServiceProcess, waitFor, type IsolatedEnv } from '@carts/testing';
import { projectorModule } from '../src/projector.module';
import { ProjectionSupervisor } from '../src/projection-supervisor';

type Ready = { status: string; reasons?: { projections?: string[] } };

/**
 * Issue 9 §4: a projection consumer that stops on a non-retriable error must not leave readiness
 * green. The projector is composed here with a sink that fails cart-details' writes with such an
 * error until the test heals it — no test switch in production code.
 */
describe('a projection consumer that stopped', () => {
  let stack: IsolatedEnv;
  let app: INestApplication | undefined;
  let query: ServiceProcess | undefined;
  let url = '';
  let failing = true;
  let injected = 0;

  const failingSink = (sink: ProjectionSink, name: string): ProjectionSink => ({
    resume: (log, partitions) => sink.resume(log, partitions),
    apply: (topic, partition, records, from, next) => {
      if (!failing || name !== 'cart-details') return sink.apply(topic, partition, records, from, next);
      injected++;
      // What kafkajs treats as non-retriable: it stops the consumer (CRASH, restart: false).
      return Promise.reject(Object.assign(new Error('injected: the read model cannot be written'), { retriable: false }));
    },
  });
  const readiness = async () => (await http<Ready>('GET', `${url}/health/ready`)).body;
  const statusOf = async (name: string) =>
    (await projectionStatuses(stack.ds, PROJECTIONS.map((p) => p.name), stack.topic, await stack.admin.endOffsets(stack.topic))).find((s) => s.name === name)!;

  beforeAll(async () => {
    stack = await isolatedEnv('restart');
    const config = loadConfig({ ...process.env, ...stack.env });
    app = await createHttpApp(projectorModule(config, {
      sink: (ds, projection, generation) => failingSink(new PostgresProjectionSink(ds, projection, generation), projection.name),
      backoff: { initialMs: 200, maxMs: 1000 },
    }), { service: 'projector', logLevel: 'error', accessLog: false });
    app.connectMicroservice({ strategy: app.get(ProjectionSupervisor) }, { inheritAppConfig: true });
    await app.startAllMicroservices();
    const port = await freePort();
    await app.listen(port, '127.0.0.1');
    url = `http://127.0.0.1:${port}`;
    query = await ServiceProcess.start('query-service', stack.env);
  });

  afterAll(async () => {
    await app?.close();
    await query?.stop();
    await stack?.dispose();
  });

  it('turns readiness false with the error, is restarted with backoff, and /projections and cartctl status show the error and the restarts', async () => {
    await stack.appendEvents(generateCartEvents({ seed: 7, events: 2000 }));

    const down = await waitFor(readiness, (r) => r.status === 'unavailable' && (r.reasons?.projections ?? []).length > 0,
      { timeoutMs: 30_000, intervalMs: 50, what: 'readiness down' });
    expect(down.reasons!.projections!).toEqual([expect.stringMatching(/^cart-details@g1 (failed|restarting): consumer stopped: .*injected: the read model cannot be written/)]);

    // Restarted, and stopped again while the fault lasts: the restarts are counted.
    const failed = await waitFor(() => statusOf('cart-details'), (s) => (s.health?.restarts ?? 0) >= 3, { timeoutMs: 30_000, intervalMs: 100, what: 'three restarts' });
    expect(failed.health).toMatchObject({ lastError: expect.stringContaining('injected: the read model cannot be written') });
    expect(['failed', 'restarting']).toContain(failed.state);
    expect((await statusOf('customer-carts')).state).toBe('live');

    const listed = (await http<{ projections: ProjectionStatus[] }>('GET', `${query!.url}/projections`, undefined, await as.operator())).body.projections.find((p) => p.name === 'cart-details')!;
    expect(listed.health).toMatchObject({ restarts: expect.any(Number), lastError: expect.stringContaining('injected') });
    expect(listed.health!.restarts).toBeGreaterThanOrEqual(3);
    const status = await runCartctl(['status'], stack.env);
    expect(status.stdout).toMatch(/^cart-details +1 +(failed|restarting) \(\d+ restarts\) /m);
    expect(status.stdout).toMatch(/^cart-details g1 restarts: \d+, last error at \S+: .*injected: the read model cannot be written/m);

    failing = false;
    await waitFor(readiness, (r) => r.status === 'ok', { timeoutMs: 30_000, intervalMs: 100, what: 'readiness back after the fault is gone' });
    await stack.caughtUp();
    const healed = await statusOf('cart-details');
    expect(healed).toMatchObject({ state: 'live', lag: 0, health: { state: 'running' } });
    expect(healed.health!.restarts).toBeGreaterThanOrEqual(3);
    expect(injected).toBeGreaterThanOrEqual(3);
  });
});
