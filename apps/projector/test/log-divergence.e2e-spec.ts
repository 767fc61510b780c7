import { loadConfig } from '@carts/config';
import { encodeEvent, topicNames } from '@carts/contracts';
import { appendRawRecords, createKafka, provisionTopics } from '@carts/event-log';
import type { ProjectionStatus } from '@carts/read-model';
import { as, generateCartEvents, http, isolatedEnv, runCartctl, ServiceProcess, waitFor, type IsolatedEnv } from '@carts/testing';
import type { EventEnvelope } from '@carts/contracts';

type Ready = { status: string; reasons?: { projections?: string[] } };

/**
 * Issue 9 §1: read models whose stored offsets belong to another log (another cluster or topic, a
 * recreated topic, a database restored from elsewhere) must never wait silently. The same database
 * is pointed at a second log: every projection reports `diverged` (readiness, GET /projections,
 * cartctl status, the log line) until `cartctl rebuild` ties a new generation to the current log.
 */
describe('read models and the log they were built from', () => {
  let stack: IsolatedEnv;
  let projector: ServiceProcess | undefined;
  let query: ServiceProcess | undefined;
  const first = generateCartEvents({ seed: 91, events: 3000 });
  const second = generateCartEvents({ seed: 92, events: 600 });
  // Log B: the same database, another topic prefix, as a second clone or a replaced cluster would be.
  let envB: Record<string, string>;

  const readiness = async () => (await http<Ready>('GET', `${projector!.url}/health/ready`));
  const projections = async () => (await http<{ projections: ProjectionStatus[] }>('GET', `${query!.url}/projections`, undefined, await as.operator())).body.projections;
  const appendTo = async (env: Record<string, string>, events: readonly EventEnvelope[]) => {
    const config = loadConfig({ ...process.env, ...env });
    await appendRawRecords(createKafka(config.kafka, 'test-diverge'), topicNames(config.kafka.topicPrefix).events, events.map((e) => ({ key: e.cartId, value: encodeEvent(e) })));
  };
  const restart = async (env: Record<string, string>) => {
    await projector?.stop();
    await query?.stop();
    projector = await ServiceProcess.start('projector', env, { waitReady: false });
    query = await ServiceProcess.start('query-service', env);
  };
  const divergedEverywhere = async (reason: RegExp) => {
    const ready = await waitFor(readiness, (r) => r.status === 503 && (r.body.reasons?.projections?.length ?? 0) === 3,
      { timeoutMs: 30_000, intervalMs: 100, what: 'readiness down for all three projections' });
    for (const line of ready.body.reasons!.projections!) expect(line).toMatch(new RegExp(`@g\\d+ diverged: ${reason.source}`));
    const listed = await waitFor(projections, (ps) => ps.every((p) => p.state === 'diverged'), { timeoutMs: 10_000, what: 'GET /projections: diverged' });
    for (const p of listed) expect(p.health).toMatchObject({ state: 'diverged', reason: expect.stringMatching(reason) });
    const status = await runCartctl(['status'], envB);
    expect(status.code).toBe(0);
    for (const name of ['cart-details', 'customer-carts', 'product-activity']) {
      expect(status.stdout).toMatch(new RegExp(`^${name} +\\d+ +diverged `, 'm'));
      expect(status.stdout).toMatch(new RegExp(`^${name} g\\d+ DIVERGED: ${reason.source}`, 'm'));
    }
    expect(projector!.output).toMatch(/cart-details@g\d+ DIVERGED: .*Nothing is applied until then; readiness is down/);
  };

  beforeAll(async () => {
    stack = await isolatedEnv('diverge', { PROJECTOR_SESSION_TIMEOUT_MS: '3000' });
    envB = { ...stack.env, KAFKA_TOPIC_PREFIX: `${stack.env.KAFKA_TOPIC_PREFIX}b.` };
    await provisionTopics(loadConfig({ ...process.env, ...envB }).kafka);
    projector = await ServiceProcess.start('projector', stack.env);
    await stack.appendEvents(first);
    await stack.caughtUp();
  });

  afterAll(async () => {
    await projector?.stop();
    await query?.stop();
    await stack?.dispose();
  });

  it('another log: every projection is diverged, not waiting; cartctl rebuild ties a new generation to this log', async () => {
    await appendTo(envB, second);
    await restart(envB);
    await divergedEverywhere(/built from another log \(cluster \S+, topic \S+\.cart-events, 6 partitions\), now reading cluster \S+, topic \S+b\.cart-events, 6 partitions: rebuild it against this log with "cartctl rebuild (cart-details|customer-carts|product-activity)"/);

    for (const name of ['cart-details', 'customer-carts', 'product-activity']) {
      const rebuilt = await runCartctl(['rebuild', name], envB);
      expect({ code: rebuilt.code, out: rebuilt.stdout.split('\n').find((l) => l.startsWith('swapped')) ?? rebuilt.stderr })
        .toEqual({ code: 0, out: `swapped: ${name} generation 2 is live, generation 1 retired` });
    }
    await projector!.ready(30_000);
    const cart = second[second.length - 1];
    const read = await http<{ version: number }>('GET', `${query!.url}/carts/${cart.cartId}?minVersion=${cart.version}&waitMs=5000`, undefined, await as.operator());
    expect(read.status).toBe(200);
    expect(read.body.version).toBe(cart.version);
    expect((await projections()).map((p) => [p.name, p.state, p.activeGeneration, p.health?.state])).toEqual([
      ['cart-details', 'live', 2, 'running'], ['customer-carts', 'live', 2, 'running'], ['product-activity', 'live', 2, 'running']]);
  });

  it('a topic recreated under the same name: stored offsets beyond its end are a mismatch too; rebuilds (in place or blue/green) bring it back', async () => {
    await projector!.stop();
    const admin = createKafka(loadConfig({ ...process.env, ...envB }).kafka, 'test-diverge-admin').admin();
    await admin.connect();
    const topic = topicNames(envB.KAFKA_TOPIC_PREFIX).events;
    await admin.deleteTopics({ topics: [topic] });
    await waitFor(() => admin.listTopics(), (ts) => !ts.includes(topic), { what: `${topic} deleted` });
    await admin.disconnect();
    await waitFor(() => provisionTopics(loadConfig({ ...process.env, ...envB }).kafka), (r) => r.created.includes(topic), { timeoutMs: 30_000, intervalMs: 500, what: `${topic} recreated` });
    const few = second.filter((e) => e.version <= 2).slice(0, 20);
    await appendTo(envB, few);
    await restart(envB);
    await divergedEverywhere(/stored offset \d+ of partition \d is beyond the log's end \(\d+\): the topic was recreated/);

    const inPlace = await runCartctl(['rebuild', 'cart-details', '--in-place'], envB);
    expect({ code: inPlace.code, err: inPlace.stderr.split('\n').filter((l) => !l.startsWith('g')).join('\n') }).toEqual({ code: 0, err: '' });
    for (const name of ['customer-carts', 'product-activity']) expect((await runCartctl(['rebuild', name], envB)).code).toBe(0);
    await projector!.ready(30_000);
    const cart = few[few.length - 1];
    expect((await http<{ version: number }>('GET', `${query!.url}/carts/${cart.cartId}?minVersion=${cart.version}&waitMs=5000`, undefined, await as.operator())).status).toBe(200);
    expect((await projections()).map((p) => [p.name, p.state, p.health?.state])).toEqual([
      ['cart-details', 'live', 'running'], ['customer-carts', 'live', 'running'], ['product-activity', 'live', 'running']]);
  });
});
