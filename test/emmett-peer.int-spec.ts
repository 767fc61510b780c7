import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { pongoClient, type PongoClient } from '@event-driven-io/pongo';
import type { PostgresEventStore } from '@event-driven-io/emmett-postgresql';
import { dropDatabase, ensureDatabase, parseDatabaseUrl } from '@carts/infra';
import { assertTestDatabase } from '@carts/testing';
import { CART_DETAILS_COLLECTION, cartEventStore, cartPeerServer, streamIdOf, type CartDetails } from '../bench/peers/emmett/cart-peer';

// The bench's peer (bench/peers/emmett) on PostgreSQL only: it must answer like our command service
// (same body, same problem types), and its inline projection must be committed with the events.
describe('the Emmett peer of the bench', () => {
  const databaseUrl = parseDatabaseUrl(assertTestDatabase()).on(`${parseDatabaseUrl(assertTestDatabase()).database}_peer`);
  let store: PostgresEventStore;
  let server: Server;
  let url: string;
  let read: PongoClient;

  const start = async () => {
    store = cartEventStore(databaseUrl);
    await store.schema.migrate();
    server = cartPeerServer(store);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const stop = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await store.close();
  };

  beforeAll(async () => {
    await dropDatabase(databaseUrl);
    await ensureDatabase(databaseUrl);
    await start();
    read = pongoClient(databaseUrl);
  });

  afterAll(async () => {
    await read?.close();
    await stop();
    await dropDatabase(databaseUrl);
  });

  const post = async (path: string, body: unknown, contentType = 'application/json') => {
    const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': contentType, authorization: 'Bearer ignored' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as Record<string, unknown> };
  };
  const item = (over: Record<string, unknown> = {}) => ({ sku: 'SKU-0001', name: 'Product 1', quantity: 1, unitPrice: 236, currency: 'EUR', ...over });
  const details = (cartId: string) => read.db().collection<CartDetails>(CART_DETAILS_COLLECTION).findOne({ _id: streamIdOf(cartId) });
  const createCart = async () => {
    const created = await post('/carts', { customerId: 'bench-customer-1' });
    expect(created).toMatchObject({ status: 201, body: { version: 1 } });
    return created.body.cartId as string;
  };

  it('creates a cart and adds items with the load\'s body, the read model written in the same transaction', async () => {
    const cartId = await createCart();
    expect(await post(`/carts/${cartId}/items`, item())).toEqual({ status: 200, type: 'application/json', body: { cartId, version: 2 } });
    // No wait: the inline projection commits with the events, so the 200 means it is there.
    expect(await details(cartId)).toMatchObject({ customerId: 'bench-customer-1', status: 'open', currency: 'EUR', itemCount: 1, total: 236 });
    expect(await post(`/carts/${cartId}/items`, item({ quantity: 2 }))).toMatchObject({ status: 200, body: { version: 3 } });
    expect(await details(cartId)).toMatchObject({ itemCount: 3, total: 708, lines: [{ sku: 'SKU-0001', quantity: 3, lineTotal: 708 }], _version: 3n });
  });

  it('refuses what our command service refuses, as RFC 9457 problems with the same types', async () => {
    const cartId = await createCart();
    await post(`/carts/${cartId}/items`, item());
    expect(await post(`/carts/${cartId}/items`, item({ sku: 'SKU-0002', currency: 'USD' }))).toMatchObject({ status: 409, type: 'application/problem+json', body: { type: 'urn:carts:problem:rule-broken', code: 'CURRENCY_MISMATCH' } });
    expect(await post(`/carts/${cartId}/items`, item({ quantity: 0 }))).toMatchObject({ status: 400, body: { type: 'urn:carts:problem:validation-failed', code: 'INVALID_QUANTITY' } });
    expect(await post(`/carts/${cartId}/items`, item({ sku: 'not an id!' }))).toMatchObject({ status: 400, body: { type: 'urn:carts:problem:validation-failed', errors: [{ field: 'sku' }] } });
    expect(await post(`/carts/${cartId}/items`, '{"sku":')).toMatchObject({ status: 400, body: { type: 'urn:carts:problem:malformed-request' } });
    expect(await post(`/carts/${cartId}/items`, 'sku=1', 'text/plain')).toMatchObject({ status: 415, body: { type: 'urn:carts:problem:unsupported-media-type' } });
    expect(await post('/carts/00000000-0000-7000-8000-000000000000/items', item())).toMatchObject({ status: 404, body: { type: 'urn:carts:problem:cart-not-found', code: 'CART_NOT_FOUND' } });
    // Refused commands record nothing: the cart is as the one accepted AddItem left it.
    expect(await details(cartId)).toMatchObject({ itemCount: 1, _version: 2n });
  });

  it('loses no update when requests on one cart race: each is applied once or refused as a version conflict', async () => {
    const cartId = await createCart();
    const answers = await Promise.all(Array.from({ length: 12 }, () => post(`/carts/${cartId}/items`, item())));
    const applied = answers.filter((a) => a.status === 200);
    expect(answers.filter((a) => a.status !== 200).map((a) => [a.status, a.body.type])).toEqual(answers.filter((a) => a.status !== 200).map(() => [412, 'urn:carts:problem:version-conflict']));
    expect(applied.length).toBeGreaterThan(0);
    expect(new Set(applied.map((a) => a.body.version)).size).toBe(applied.length);
    expect(await details(cartId)).toMatchObject({ itemCount: applied.length, lines: [{ quantity: applied.length }] });
  });

  it('starts again on a database that already holds its schema and events (a second run)', async () => {
    const cartId = await createCart();
    await post(`/carts/${cartId}/items`, item());
    await stop();
    await start();
    expect(await post(`/carts/${cartId}/items`, item())).toMatchObject({ status: 200, body: { version: 3 } });
    expect(await details(cartId)).toMatchObject({ itemCount: 2 });
  });
});
