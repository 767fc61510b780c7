import { evolve, initialState, type CartEvent, type CartState } from '@carts/domain';
import { ServiceProcess } from '@carts/testing';
import { CartApi, ITEM, correlation } from './support/cart-api';
import { byCart, isolatedPrefix, provision, readAllEvents, versionViolations, type LoggedEvent } from './support/event-log';
import { countBy, writersSettled } from './support/invariants';

/**
 * Several HTTP requests racing for one cart, spread over two command-service instances (one
 * consumer group, so each owns some partitions): the single writer per partition serialises them.
 */
const PREFIX = isolatedPrefix('concurrency');
const ENV = { KAFKA_TOPIC_PREFIX: PREFIX };

const fold = (events: readonly LoggedEvent[]): CartState =>
  events.reduce((state, e) => evolve(state, { type: e.type, data: e.data } as CartEvent), initialState);
const eventsOf = async (cartId: string) => byCart(await readAllEvents(PREFIX)).get(cartId) ?? [];

describe('concurrent commands over two instances', () => {
  let instances: ServiceProcess[] = [];
  let apis: CartApi[];
  const api = (i: number) => apis[i % apis.length];

  beforeAll(async () => {
    await provision(PREFIX);
    instances = await ServiceProcess.all([ServiceProcess.start('command-service', ENV), ServiceProcess.start('command-service', ENV)]);
    apis = instances.map((s) => new CartApi(s.url));
    await writersSettled(PREFIX, 2);
  });

  afterAll(async () => {
    await Promise.all(instances.map((s) => s.stop()));
  });

  it('100 AddItem with the same If-Match: exactly one 200, 99 × 412, one new event', async () => {
    const cartId = await api(0).newCart();
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => api(i).addItem(cartId, ITEM, { 'if-match': '"1"' })));
    expect(countBy(responses, (r) => r.status)).toEqual({ 200: 1, 412: 99 });
    const winner = responses.find((r) => r.status === 200)!;
    expect(winner.body).toEqual({ cartId, version: 2 });
    for (const loser of responses.filter((r) => r.status === 412)) {
      expect(loser.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(loser.body).toMatchObject({ type: 'urn:carts:problem:version-conflict', status: 412, code: 'VERSION_CONFLICT', currentVersion: 2 });
      expect(loser.headers.get('etag')).toBe('"2"');
    }
    expect((await eventsOf(cartId)).map((e) => [e.type, e.version])).toEqual([['CartCreated', 1], ['ItemAdded', 2]]);
  });

  it('100 AddItem without If-Match: all 200, all 100 units in the cart, versions 1..101 contiguous', async () => {
    const cartId = await api(1).newCart();
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => api(i).addItem(cartId, ITEM, correlation())));
    expect(countBy(responses, (r) => r.status)).toEqual({ 200: 100 });
    expect(responses.map((r) => r.body.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 2));
    const events = await eventsOf(cartId);
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: 101 }, (_, i) => i + 1));
    expect(versionViolations(events)).toEqual([]);
    expect(fold(events)).toMatchObject({ status: 'open', lines: [{ sku: ITEM.sku, quantity: 100, lineTotal: 100 * ITEM.unitPrice }] });
    // Each response names the event its own request produced.
    const sent = responses.map((r) => ({ version: r.body.version, correlationId: r.headers.get('x-correlation-id') }));
    expect(new Set(events.filter((e) => e.version > 1).map((e) => `${e.version}/${e.correlationId}`))).toEqual(new Set(sent.map((s) => `${s.version}/${s.correlationId}`)));
  });

  it('the same Idempotency-Key 20 times at once: one event, 20 identical responses', async () => {
    const cartId = await api(0).newCart();
    const key = { 'idempotency-key': `add-${cartId}` };
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => api(i).addItem(cartId, ITEM, key)));
    expect(new Set(responses.map((r) => JSON.stringify([r.status, r.body, r.headers.get('etag')])))).toEqual(new Set([JSON.stringify([200, { cartId, version: 2 }, '"2"'])]));
    expect((await eventsOf(cartId)).map((e) => e.type)).toEqual(['CartCreated', 'ItemAdded']);
  });

  it('the same Idempotency-Key on POST /carts 20 times at once: one cart, one CartCreated, 20 × 201 with the same Location', async () => {
    const key = { 'idempotency-key': `create-${Date.now()}` };
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => api(i).createCart('c-9', key)));
    expect(new Set(responses.map((r) => JSON.stringify([r.status, r.body, r.headers.get('location'), r.headers.get('etag')]))).size).toBe(1);
    expect(responses[0].status).toBe(201);
    const events = await eventsOf(responses[0].body.cartId);
    expect(events.map((e) => [e.type, e.data.customerId])).toEqual([['CartCreated', 'c-9']]);
  });

  it('answers a retried key with its first response after every instance restarted, and 422s the key with another request', async () => {
    const cartId = await api(0).newCart();
    const key = { 'idempotency-key': `restart-${cartId}` };
    const first = await api(0).addItem(cartId, { ...ITEM, quantity: 3 }, key);
    const refused = await api(1).removeItem(cartId, 'not-there', { 'idempotency-key': `remove-${cartId}` });
    expect([first.status, refused.status]).toEqual([200, 404]);

    await Promise.all(instances.map((s) => s.stop()));
    instances = await ServiceProcess.all([ServiceProcess.start('command-service', ENV), ServiceProcess.start('command-service', ENV)]);
    apis = instances.map((s) => new CartApi(s.url));

    for (const i of [0, 1]) {
      const again = await api(i).addItem(cartId, { ...ITEM, quantity: 3 }, key);
      expect([again.status, again.body, again.headers.get('etag')]).toEqual([200, first.body, first.headers.get('etag')]);
      const refusedAgain = await api(i).removeItem(cartId, 'not-there', { 'idempotency-key': `remove-${cartId}` });
      expect([refusedAgain.status, refusedAgain.body]).toEqual([404, refused.body]);
    }
    const reused = await api(1).addItem(cartId, { ...ITEM, quantity: 4 }, key);
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ type: 'urn:carts:problem:idempotency-key-reused', code: 'IDEMPOTENCY_KEY_REUSED' });
    expect((await eventsOf(cartId)).map((e) => [e.type, e.version])).toEqual([['CartCreated', 1], ['ItemAdded', 2]]);
  });

  it('keeps every cart of this file contiguous and keyed by its id', async () => {
    expect(versionViolations(await readAllEvents(PREFIX))).toEqual([]);
  });
});
