import { loadConfig } from '@carts/config';
import { encodeEvent, topicNames } from '@carts/contracts';
import { appendRawRecords, createKafka, provisionTopics } from '@carts/event-log';
import { projectionStatuses, PROJECTIONS } from '@carts/read-model';
import { generateCartEvents, http, isolatedEnv, ServiceProcess, waitFor, type IsolatedEnv } from '@carts/testing';
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
