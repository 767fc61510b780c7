import { loadConfig } from '@carts/config';
import { encodeEvent, topicNames } from '@carts/contracts';
import { appendRawRecords, createKafka, provisionTopics } from '@carts/event-log';
import { projectionStatuses, PROJECTIONS } from '@carts/read-model';
import { ensureKafkaBroker, type KafkaBrokerHandle } from '@carts/infra';
import { generateCartEvents, http, isolatedEnv, ServiceProcess, waitFor, type IsolatedEnv } from '@carts/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePorts } from '../libs/infra/src/free-port';
import { resetReadModelsOfAnotherLog } from './local-read-models';

/**
 * `npm start` after a second clone or a deleted `.local/`: the local broker is new, the local
 * database still holds read models of the old log. The dev stack resets them (and says so), and
 * the projector rebuilds them from the new log with no manual step.
 */
describe('local stack: read models of another log are reset, not left waiting', () => {
  let stack: IsolatedEnv;
  let projector: ServiceProcess | undefined;

  beforeAll(async () => {
    stack = await isolatedEnv('localreset', { PROJECTOR_SESSION_TIMEOUT_MS: '3000' });
  });

  afterAll(async () => {
    await projector?.stop();
    await stack?.dispose();
  });

  it('resets exactly the read models built from another log; the projector then fills new generations from the new log', async () => {
    projector = await ServiceProcess.start('projector', stack.env);
    await stack.appendEvents(generateCartEvents({ seed: 5, events: 1500 }));
    await stack.caughtUp();
    await projector.stop();
    expect(await resetReadModelsOfAnotherLog(stack.config, () => undefined)).toEqual([]);

    // The "new broker": the same database now reads another log.
    const envB = { ...stack.env, KAFKA_TOPIC_PREFIX: `${stack.env.KAFKA_TOPIC_PREFIX}new.` };
    const configB = loadConfig({ ...process.env, ...envB });
    await provisionTopics(configB.kafka);
    const said: string[] = [];
    expect((await resetReadModelsOfAnotherLog(configB, (l) => said.push(l))).sort()).toEqual(['cart-details', 'customer-carts', 'product-activity']);
    expect(said).toContainEqual(expect.stringMatching(/^read model cart-details does not belong to this broker's log \(built from another log .*\): local stack, so resetting it/));
    expect(await stack.ds.query(`SELECT count(*)::int AS n FROM projection_generations WHERE state <> 'retired'`)).toEqual([{ n: 0 }]);
    expect(await stack.ds.query(`SELECT to_regclass('cart_details_g1') AS t`)).toEqual([{ t: null }]);

    const events = generateCartEvents({ seed: 6, events: 300 });
    const topicB = topicNames(configB.kafka.topicPrefix).events;
    await appendRawRecords(createKafka(configB.kafka, 'test-localreset'), topicB, events.map((e) => ({ key: e.cartId, value: encodeEvent(e) })));
    projector = await ServiceProcess.start('projector', envB);
    const statuses = await waitFor(async () => projectionStatuses(stack.ds, PROJECTIONS.map((p) => p.name), topicB, await stack.admin.endOffsets(topicB)),
      (ss) => ss.every((s) => s.state === 'live' && s.lag === 0), { timeoutMs: 60_000, intervalMs: 200, what: 'new generations caught up with the new log' });
    expect(statuses.map((s) => [s.name, s.activeGeneration, s.health?.state])).toEqual([
      ['cart-details', 2, 'running'], ['customer-carts', 2, 'running'], ['product-activity', 2, 'running']]);
    expect((await http('GET', `${projector.url}/health/ready`)).status).toBe(200);
    expect(await resetReadModelsOfAnotherLog(configB, () => undefined)).toEqual([]);
  });
});

/**
 * The situation itself, with a real second broker: freshly formatted (another cluster id) on free
 * ports, the same topic names, the same database. The projector reports it; the local stack's
 * reset repairs it.
 */
describe('a freshly formatted broker under the same database', () => {
  let stack: IsolatedEnv;
  let projector: ServiceProcess | undefined;
  let fresh: KafkaBrokerHandle | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'carts-fresh-broker-'));

  beforeAll(async () => {
    stack = await isolatedEnv('freshbroker', { PROJECTOR_SESSION_TIMEOUT_MS: '3000' });
  });

  afterAll(async () => {
    await projector?.stop();
    await fresh?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    await stack?.dispose();
  });

  it('is diverged by cluster id for the projector, and reset by the local stack, after which the projector fills new generations', async () => {
    projector = await ServiceProcess.start('projector', stack.env);
    await stack.appendEvents(generateCartEvents({ seed: 8, events: 1000 }));
    await stack.caughtUp();
    await projector.stop();

    const port = await findFreePorts(19290, 2);
    fresh = await ensureKafkaBroker({ port, dataDir, log: () => undefined });
    expect(fresh.startedHere).toBe(true);
    const envFresh = { ...stack.env, KAFKA_BROKERS: fresh.brokers.join(',') };
    const configFresh = loadConfig({ ...process.env, ...envFresh });
    await provisionTopics(configFresh.kafka);
    const topic = topicNames(configFresh.kafka.topicPrefix).events;
    expect(topic).toBe(stack.topic);

    projector = await ServiceProcess.start('projector', envFresh, { waitReady: false });
    const ready = await waitFor(async () => (await http<{ reasons?: { projections?: string[] } }>('GET', `${projector!.url}/health/ready`)).body,
      (b) => (b.reasons?.projections?.length ?? 0) === 3, { timeoutMs: 60_000, intervalMs: 200, what: 'three diverged projections' });
    expect(ready.reasons!.projections![0]).toMatch(/^cart-details@g1 diverged: built from another log \(cluster (\S+), topic \S+, 6 partitions\), now reading cluster (?!\1)\S+, topic \S+, 6 partitions/);
    await projector.stop();

    expect((await resetReadModelsOfAnotherLog(configFresh, () => undefined)).sort()).toEqual(['cart-details', 'customer-carts', 'product-activity']);
    const events = generateCartEvents({ seed: 9, events: 200 });
    await appendRawRecords(createKafka(configFresh.kafka, 'test-freshbroker'), topic, events.map((e) => ({ key: e.cartId, value: encodeEvent(e) })));
    projector = await ServiceProcess.start('projector', envFresh);
    const freshAdmin = createKafka(configFresh.kafka, 'test-freshbroker-admin').admin();
    await freshAdmin.connect();
    try {
      const ends = async () => new Map((await freshAdmin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)]));
      await waitFor(async () => projectionStatuses(stack.ds, PROJECTIONS.map((p) => p.name), topic, await ends()),
        (ss) => ss.every((s) => s.state === 'live' && s.activeGeneration === 2 && s.lag === 0), { timeoutMs: 60_000, intervalMs: 200, what: 'generation 2 caught up with the fresh broker' });
    } finally {
      await freshAdmin.disconnect();
    }
  });
});
