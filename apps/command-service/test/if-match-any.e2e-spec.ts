import { randomUUID } from 'node:crypto';
import { ServiceProcess } from '@carts/testing';
import { CartApi, ITEM } from './support/cart-api';
import { byCart, isolatedPrefix, provision, readAllEvents } from './support/event-log';

/**
 * `If-Match: *` — RFC 9110 §13.1.1: the condition is true when the cart exists, at any version,
 * and false when it does not; a false condition is answered 412 and nothing is appended.
 */
const PREFIX = isolatedPrefix('if-match-any');

describe('If-Match: * on the command service', () => {
  let service: ServiceProcess;
  let api: CartApi;
  const ANY = { 'if-match': '*' };

  beforeAll(async () => {
    await provision(PREFIX);
    service = await ServiceProcess.start('command-service', { KAFKA_TOPIC_PREFIX: PREFIX });
    api = new CartApi(service.url);
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('applies a command to an existing cart, whatever its version', async () => {
    const cartId = await api.newCart();
    const added = await api.addItem(cartId, ITEM, ANY);
    const again = await api.addItem(cartId, ITEM, ANY);
    expect([added.status, added.headers.get('etag'), again.status, again.headers.get('etag')]).toEqual([200, '"2"', 200, '"3"']);
    expect((await api.checkout(cartId, { 'if-match': ' * ' })).status).toBe(200);
  });

  it('412 version-conflict for a missing cart, on every command, and nothing appended', async () => {
    const cartId = randomUUID();
    const answers = [
      await api.addItem(cartId, ITEM, ANY), await api.changeQuantity(cartId, 'mug', 2, ANY), await api.removeItem(cartId, 'mug', ANY),
      await api.checkout(cartId, ANY), await api.abandon(cartId, ANY),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(412);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ type: 'urn:carts:problem:version-conflict', code: 'VERSION_CONFLICT', cartId, currentVersion: 0 });
    }
    expect(byCart(await readAllEvents(PREFIX)).get(cartId)).toBeUndefined();
  });

  it('POST /carts with If-Match: * never creates a cart (a new cart has no current representation)', async () => {
    const refused = await api.createCart('c-1', ANY);
    expect(refused.status).toBe(412);
    expect(refused.headers.get('location')).toBeNull();
  });

  it('is remembered under an Idempotency-Key like any other precondition: a retry gets the first answer, "*" and "1" are different requests', async () => {
    const cartId = await api.newCart();
    const first = await api.addItem(cartId, ITEM, { ...ANY, 'idempotency-key': 'any-1' });
    const retry = await api.addItem(cartId, ITEM, { ...ANY, 'idempotency-key': 'any-1' });
    expect([retry.status, retry.body]).toEqual([first.status, first.body]);
    expect((await api.addItem(cartId, ITEM, { 'if-match': '"2"', 'idempotency-key': 'any-1' })).status).toBe(422);
  });
});
