import { http, ServiceProcess } from '@carts/testing';
import { CartApi, ITEM } from './support/cart-api';
import { byCart, isolatedPrefix, provision, readAllEvents } from './support/event-log';
import { writersSettled } from './support/invariants';

/** Every endpoint of the REST contract, its success and its domain refusals, and what reaches the log. */
const PREFIX = isolatedPrefix('endpoints');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NAME = 'Tasse à café ☕ « 90 ml » — 杯 👨‍👩‍👧';

describe('REST contract of the command service', () => {
  let service: ServiceProcess;
  let api: CartApi;
  const eventsOf = async (cartId: string) => byCart(await readAllEvents(PREFIX)).get(cartId) ?? [];

  beforeAll(async () => {
    await provision(PREFIX);
    service = await ServiceProcess.start('command-service', { KAFKA_TOPIC_PREFIX: PREFIX, QUERY_SERVICE_PUBLIC_URL: 'https://shop.example/api/' });
    await writersSettled(PREFIX, 1);
    api = new CartApi(service.url);
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('runs a cart through every command: status, body, ETag, and the events exactly as sent', async () => {
    const created = await api.createCart('customer_1.x-Y');
    expect([created.status, created.headers.get('etag'), created.headers.get('location')]).toEqual([201, '"1"', `https://shop.example/api/carts/${created.body.cartId}`]);
    expect(created.body.cartId).toMatch(UUID);
    const cartId = created.body.cartId;
    const steps = [
      await api.addItem(cartId, { sku: 'cup', name: NAME, quantity: 2, unitPrice: 1250, currency: 'EUR' }),
      await api.addItem(cartId, { sku: 'saucer', name: 'Saucer', quantity: 1, unitPrice: 0, currency: 'EUR' }),
      await api.changeQuantity(cartId, 'cup', 5),
      await api.changeQuantity(cartId, 'cup', 5), // the same quantity: no event, same version
      await api.changeQuantity(cartId, 'saucer', 0), // 0 removes the line
      await api.addItem(cartId, { sku: 'spoon', name: 'Spoon', quantity: 3, unitPrice: 100_000_000, currency: 'EUR' }),
      await api.removeItem(cartId, 'spoon'),
      await api.checkout(cartId, { 'if-match': '"7"' }),
    ];
    expect(steps.map((r) => [r.status, r.body.version, r.headers.get('etag')])).toEqual(
      [[200, 2, '"2"'], [200, 3, '"3"'], [200, 4, '"4"'], [200, 4, '"4"'], [200, 5, '"5"'], [200, 6, '"6"'], [200, 7, '"7"'], [200, 8, '"8"']]);
    expect(steps.every((r) => r.body.cartId === cartId)).toBe(true);

    const events = await eventsOf(cartId);
    expect(events.map((e) => [e.version, e.type])).toEqual([
      [1, 'CartCreated'], [2, 'ItemAdded'], [3, 'ItemAdded'], [4, 'ItemQuantityChanged'], [5, 'ItemRemoved'], [6, 'ItemAdded'], [7, 'ItemRemoved'], [8, 'CartCheckedOut']]);
    expect(events[0].data).toEqual({ customerId: 'customer_1.x-Y' });
    expect(events[1].data).toEqual({ sku: 'cup', name: NAME, quantity: 2, unitPrice: 1250, currency: 'EUR', lineQuantity: 2 });
    expect(events[3].data).toEqual({ sku: 'cup', quantity: 5, previousQuantity: 2 });
    expect(events[4].data).toEqual({ sku: 'saucer', quantity: 1 });
    expect(events[7].data).toEqual({ lines: [{ sku: 'cup', name: NAME, quantity: 5, unitPrice: 1250, lineTotal: 6250 }], itemCount: 5, total: 6250, currency: 'EUR' });
  });

  it('abandons an open cart, even an empty one', async () => {
    const cartId = await api.newCart();
    const abandoned = await api.abandon(cartId);
    expect([abandoned.status, abandoned.body]).toEqual([200, { cartId, version: 2 }]);
    expect((await eventsOf(cartId)).at(-1)).toMatchObject({ type: 'CartAbandoned', data: { lines: [], itemCount: 0, total: 0, currency: null } });
  });

  it.each([
    ['an unknown cart', async (c: string) => api.addItem(c.replace(/^.{8}/, '00000000')), 404, 'cart-not-found', 'CART_NOT_FOUND'],
    ['an sku not in the cart (PATCH)', async (c: string) => api.changeQuantity(c, 'nope', 1), 404, 'item-not-found', 'ITEM_NOT_IN_CART'],
    ['an sku not in the cart (DELETE)', async (c: string) => api.removeItem(c, 'nope'), 404, 'item-not-found', 'ITEM_NOT_IN_CART'],
    ['an empty checkout', async (c: string) => api.checkout(c), 409, 'rule-broken', 'CART_EMPTY'],
    ['another currency', async (c: string) => { await api.addItem(c); return api.addItem(c, { ...ITEM, sku: 'x', currency: 'USD' }); }, 409, 'rule-broken', 'CURRENCY_MISMATCH'],
    ['over 1000 units on a line', async (c: string) => { await api.addItem(c, { ...ITEM, quantity: 1000 }); return api.addItem(c); }, 409, 'rule-broken', 'LINE_QUANTITY_LIMIT'],
    ['a closed cart', async (c: string) => { await api.abandon(c); return api.addItem(c); }, 409, 'rule-broken', 'CART_CLOSED'],
    ['a stale If-Match', async (c: string) => api.addItem(c, ITEM, { 'if-match': '"7"' }), 412, 'version-conflict', 'VERSION_CONFLICT'],
    ['a reused Idempotency-Key', async (c: string) => { await api.addItem(c, ITEM, { 'idempotency-key': 'k1' }); return api.addItem(c, { ...ITEM, quantity: 2 }, { 'idempotency-key': 'k1' }); }, 422, 'idempotency-key-reused', 'IDEMPOTENCY_KEY_REUSED'],
  ])('refuses %s with %i %s (code %s) and appends nothing', async (_, act, status, type, code) => {
    const cartId = await api.newCart();
    const before = (await eventsOf(cartId)).length;
    const setUpEvents = async () => (await eventsOf(cartId)).length - before;
    const r = await act(cartId);
    expect(r.status).toBe(status);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.body).toMatchObject({ type: `urn:carts:problem:${type}`, status, code, title: expect.any(String), detail: expect.any(String) });
    const appendedBySetUp = { CURRENCY_MISMATCH: 1, LINE_QUANTITY_LIMIT: 1, CART_CLOSED: 1, IDEMPOTENCY_KEY_REUSED: 1 }[code as string] ?? 0;
    expect(await setUpEvents()).toBe(appendedBySetUp);
  });

  it('creates the same cart for a retried POST /carts with an Idempotency-Key', async () => {
    const first = await api.createCart('c-7', { 'idempotency-key': 'create-once' });
    const retry = await api.createCart('c-7', { 'idempotency-key': 'create-once' });
    expect([retry.status, retry.body, retry.headers.get('location')]).toEqual([201, first.body, first.headers.get('location')]);
    expect((await eventsOf(first.body.cartId)).length).toBe(1);
  });

  it('serves the OpenAPI document generated from the DTOs, with examples', async () => {
    expect((await http('GET', `${service.url}/docs`)).status).toBe(200);
    const doc = await http<{ paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, { properties: Record<string, { example?: unknown }> }> } }>('GET', `${service.url}/docs-json`);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/carts', '/carts/{cartId}/items', '/carts/{cartId}/items/{sku}', '/carts/{cartId}/checkout', '/carts/{cartId}/abandon']));
    expect(Object.keys(doc.body.paths['/carts/{cartId}/items/{sku}']).sort()).toEqual(['delete', 'patch']);
    expect(doc.body.components.schemas.AddItemDto.properties.currency.example).toBe('EUR');
  });
});
