import { loadConfig } from '@carts/config';
import { topicNames, decodeEvent } from '@carts/contracts';
import { createKafka, partitionForKey, readPartitionsToEnd, type LogRecord } from '@carts/event-log';
import { as, http, ServiceProcess, waitFor } from '@carts/testing';

/**
 * The thin path through everything: HTTP command → event in Kafka → projector → PostgreSQL →
 * query service, over real processes, a real broker and a real database.
 */
describe('walking skeleton', () => {
  let command: ServiceProcess;
  let projector: ServiceProcess;
  let query: ServiceProcess;

  beforeAll(async () => {
    [projector, query] = await ServiceProcess.all([ServiceProcess.start('projector'), ServiceProcess.start('query-service')]);
    // Location on POST /carts points at the query service, as clients reach it.
    command = await ServiceProcess.start('command-service', { QUERY_SERVICE_PUBLIC_URL: query.url });
  });

  afterAll(async () => {
    await Promise.all([command?.stop(), projector?.stop(), query?.stop()]);
  });

  it('creates a cart, appends CartCreated keyed by cart id, and serves it from the read model', async () => {
    const created = await http<{ cartId: string; version: number }>('POST', `${command.url}/carts`, { customerId: 'c-1' }, await as.customer('c-1'));
    expect(created.status).toBe(201);
    expect(created.body.version).toBe(1);
    expect(created.body.cartId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(created.headers.get('location')).toBe(`${query.url}/carts/${created.body.cartId}`);
    expect(created.headers.get('etag')).toBe('"1"');
    const cartId = created.body.cartId;

    const config = loadConfig();
    const records: LogRecord[] = [];
    const partition = partitionForKey(cartId, config.kafka.partitions);
    await readPartitionsToEnd(createKafka(config.kafka, 'test-reader'), [{ topic: topicNames(config.kafka.topicPrefix).events, partition }], (batch) => {
      records.push(...batch.filter((r) => r.key === cartId));
    });
    expect(records).toHaveLength(1);
    const decoded = decodeEvent(records[0].value);
    expect(decoded.kind).toBe('event');
    const event = decoded.kind === 'event' ? decoded.event : undefined;
    expect(event).toMatchObject({ type: 'CartCreated', cartId, version: 1, data: { customerId: 'c-1' } });
    expect(Object.keys(JSON.parse(records[0].value!.toString())).sort()).toEqual(
      ['cartId', 'commandId', 'correlationId', 'data', 'eventId', 'occurredAt', 'schemaVersion', 'type', 'version'].sort());

    const view = await waitFor(async () => http<Record<string, unknown>>('GET', created.headers.get('location')!, undefined, await as.customer('c-1')), (r) => r.status === 200 && r.body.version === 1, { what: 'cart version 1 in the read model' });
    expect(view.body).toMatchObject({ cartId, customerId: 'c-1', status: 'open', items: [], itemCount: 0, total: 0, version: 1, currency: null });
    expect(view.headers.get('etag')).toBe('"1"');
  });

  it('answers health checks on both HTTP services', async () => {
    for (const service of [command, query]) {
      expect((await http('GET', `${service.url}/health/live`)).status).toBe(200);
      const ready = await http<{ status: string }>('GET', `${service.url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe('ok');
    }
  });
});
