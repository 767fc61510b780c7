import { as, ServiceProcess } from '@carts/testing';
import { CartApi, ITEM } from './support/cart-api';
import { isolatedPrefix, provision, topicSize } from './support/event-log';
import { writersSettled } from './support/invariants';
import { postOversized } from './support/oversized';

/**
 * Hostile and sloppy requests: each gets its documented 4xx as problem+json, and neither
 * cart-commands nor cart-events gains a single record (validation happens before anything is sent).
 */
const PREFIX = isolatedPrefix('bad-input');
const P = 'urn:carts:problem:';
const JSON_TYPE = { 'content-type': 'application/json' };

interface Case {
  readonly name: string;
  readonly method?: string;
  /** Under /carts/<cart id>; /items when absent. */
  readonly path?: string;
  /** The cart id to put in the URL instead of a real one; `null` for POST /carts itself. */
  readonly cart?: string | null;
  readonly body?: string | Buffer;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly type: string;
  /** For validation problems: the field the `errors` list must name. */
  readonly field?: string;
}

const item = (patch: Record<string, unknown>) => JSON.stringify({ ...ITEM, ...patch });
const CASES: Case[] = [
  { name: 'malformed JSON', body: '{"sku": "mug", "name": ', status: 400, type: 'malformed-request' },
  { name: 'a JSON array', body: '[1, 2]', status: 400, type: 'validation-failed', field: '(body)' },
  { name: 'JSON null', body: 'null', status: 400, type: 'validation-failed', field: '(body)' },
  { name: 'sku of the wrong type', body: item({ sku: 42 }), status: 400, type: 'validation-failed', field: 'sku' },
  { name: 'name of the wrong type', body: item({ name: ['Mug'] }), status: 400, type: 'validation-failed', field: 'name' },
  { name: 'zero quantity', body: item({ quantity: 0 }), status: 400, type: 'validation-failed', field: 'quantity' },
  { name: 'negative quantity', body: item({ quantity: -3 }), status: 400, type: 'validation-failed', field: 'quantity' },
  { name: 'huge quantity', body: item({ quantity: 1e12 }), status: 400, type: 'validation-failed', field: 'quantity' },
  { name: 'quantity beyond a double', body: '{"sku":"mug","name":"Mug","quantity":1e400,"unitPrice":1,"currency":"EUR"}', status: 400, type: 'validation-failed', field: 'quantity' },
  { name: 'fractional quantity', body: item({ quantity: 1.5 }), status: 400, type: 'validation-failed', field: 'quantity' },
  { name: 'string quantity', body: item({ quantity: '2' }), status: 400, type: 'validation-failed', field: 'quantity' },
  { name: 'PATCH quantity over 1000', method: 'PATCH', path: '/items/mug', body: '{"quantity":1001}', status: 400, type: 'validation-failed', field: 'quantity' },
  { name: 'negative price', body: item({ unitPrice: -1 }), status: 400, type: 'validation-failed', field: 'unitPrice' },
  { name: 'fractional price', body: item({ unitPrice: 12.5 }), status: 400, type: 'validation-failed', field: 'unitPrice' },
  { name: 'unknown currency', body: item({ currency: 'ABC' }), status: 400, type: 'validation-failed', field: 'currency' },
  { name: 'lower-case currency', body: item({ currency: 'eur' }), status: 400, type: 'validation-failed', field: 'currency' },
  { name: 'missing fields', body: '{}', status: 400, type: 'validation-failed', field: 'sku' },
  { name: 'an unknown field', body: item({ discount: 100 }), status: 400, type: 'validation-failed', field: 'discount' },
  { name: 'a __proto__ key', body: '{"sku":"mug","name":"Mug","quantity":1,"unitPrice":1,"currency":"EUR","__proto__":{"admin":true}}', status: 400, type: 'malformed-request' },
  { name: 'a constructor.prototype key', body: item({ constructor: { prototype: { admin: true } } }), status: 400, type: 'malformed-request' },
  { name: 'a plain constructor key', body: item({ constructor: 'x' }), status: 400, type: 'validation-failed', field: 'constructor' },
  { name: 'an SQL-looking sku', body: item({ sku: "mug'; DROP TABLE carts;--" }), status: 400, type: 'validation-failed', field: 'sku' },
  { name: 'a control character in the name', body: item({ name: 'Mug\u0000\u001b[31m' }), status: 400, type: 'validation-failed', field: 'name' },
  { name: 'a name over 200 characters', body: item({ name: 'x'.repeat(201) }), status: 400, type: 'validation-failed', field: 'name' },
  { name: 'a blank name', body: item({ name: '   ' }), status: 400, type: 'validation-failed', field: 'name' },
  { name: 'an SQL-looking customerId', cart: null, body: '{"customerId":"1 OR 1=1"}', status: 400, type: 'validation-failed', field: 'customerId' },
  { name: 'a body just over 16 KiB', body: item({ name: 'x'.repeat(16 * 1024) }), status: 413, type: 'payload-too-large' },
  { name: 'no content type', body: item({}), headers: { 'content-type': '' }, status: 415, type: 'unsupported-media-type' },
  { name: 'text/plain', body: item({}), headers: { 'content-type': 'text/plain' }, status: 415, type: 'unsupported-media-type' },
  { name: 'a form body', body: 'sku=mug&quantity=1', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, type: 'unsupported-media-type' },
  { name: 'a non-UUID cart id', cart: 'not-a-uuid', body: item({}), status: 400, type: 'validation-failed', field: 'cartId' },
  { name: 'an SQL-looking cart id', cart: "1' OR '1'='1", body: item({}), status: 400, type: 'validation-failed', field: 'cartId' },
  { name: 'an invalid sku in the path', method: 'DELETE', path: '/items/m%20u%27g', status: 400, type: 'validation-failed', field: 'sku' },
  { name: 'an empty body with a JSON content type', method: 'DELETE', path: '/items/mug', headers: JSON_TYPE, status: 400, type: 'malformed-request' },
  { name: 'a body on checkout', method: 'POST', path: '/checkout', body: '{"force":true}', status: 400, type: 'validation-failed', field: 'force' },
  { name: 'a malformed If-Match', body: item({}), headers: { 'if-match': 'v2' }, status: 400, type: 'validation-failed', field: 'If-Match' },
  { name: 'an Idempotency-Key over 128 characters', body: item({}), headers: { 'idempotency-key': 'k'.repeat(129) }, status: 400, type: 'validation-failed', field: 'Idempotency-Key' },
  { name: 'an unknown route', method: 'POST', path: '/explode', body: '{}', status: 404, type: 'not-found' },
];

describe('bad input', () => {
  let service: ServiceProcess;
  let cartId: string;
  let before: bigint[];

  beforeAll(async () => {
    await provision(PREFIX);
    service = await ServiceProcess.start('command-service', { KAFKA_TOPIC_PREFIX: PREFIX });
    await writersSettled(PREFIX, 1);
    cartId = await new CartApi(service.url).newCart();
    before = [await topicSize(PREFIX, 'commands'), await topicSize(PREFIX, 'events')];
  });

  afterAll(async () => {
    await service?.stop();
  });

  it.each(CASES)('$name → $status $type', async (c) => {
    const target = c.cart === undefined ? cartId : c.cart;
    const url = target === null ? `${service.url}/carts` : `${service.url}/carts/${encodeURIComponent(target)}${c.path ?? '/items'}`;
    const headers: Record<string, string> = { ...(await as.customer('c-1')), ...(c.body === undefined ? {} : JSON_TYPE), ...c.headers };
    if (headers['content-type'] === '') delete headers['content-type'];
    const response = await fetch(url, { method: c.method ?? 'POST', headers, body: c.body });
    const text = await response.text();
    expect(response.status).toBe(c.status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = JSON.parse(text);
    expect(problem).toMatchObject({ type: `${P}${c.type}`, status: c.status, title: expect.any(String), detail: expect.any(String) });
    if (c.field) expect(problem.errors.map((e: { field: string }) => e.field)).toContain(c.field);
    expect(text).not.toMatch(/\bat .+\.js:\d+/); // never a stack trace
  });

  it.each([
    ['a 10 MB body announced by Content-Length', { contentLength: 10 * 1024 * 1024, firstBytes: 64 * 1024 }],
    ['a chunked body that grows past 16 KiB', { firstBytes: 32 * 1024 }],
  ])('%s → 413 payload-too-large', async (_, opts) => {
    const response = await postOversized(`${service.url}/carts/${cartId}/items`, opts);
    expect(response.status).toBe(413);
    expect(response.contentType).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(response.text)).toMatchObject({ type: `${P}payload-too-large`, status: 413 });
  });

  it('appended nothing: cart-commands and cart-events are exactly as before the table', async () => {
    expect([await topicSize(PREFIX, 'commands'), await topicSize(PREFIX, 'events')]).toEqual(before);
  });

  it('still serves a valid request afterwards', async () => {
    const ok = await new CartApi(service.url).addItem(cartId);
    expect([ok.status, ok.body.version]).toEqual([200, 2]);
  });
});
