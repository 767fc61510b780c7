import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { as, isolatedEnv, ServiceProcess, type IsolatedEnv } from '@carts/testing';
import { OpenApiChecker, type OpenApiDocument } from './support/openapi-checker';

const json = { 'content-type': 'application/json' };
const ITEM = { sku: 'mug', name: 'Mug', quantity: 2, unitPrice: 1250, currency: 'EUR' };

/**
 * Both OpenAPI documents against what the services really answer: every response below must be
 * declared for its operation (status, content type, required headers and their format, body shape).
 * For the query service the converse holds too: every declared response is seen here.
 */
describe('OpenAPI documents match the real responses', () => {
  let stack: IsolatedEnv;
  let command: ServiceProcess;
  let projector: ServiceProcess;
  let query: ServiceProcess;
  let commands: OpenApiChecker;
  let queries: OpenApiChecker;
  const mismatches: string[] = [];

  async function call(checker: OpenApiChecker, base: string, method: string, template: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}) {
    const response = await fetch(`${base}${path}`, { method, body: init.body, headers: init.headers });
    const text = await response.text();
    mismatches.push(...checker.check({ method, path: template, status: response.status, headers: response.headers, text }));
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }
  const cmd = async (method: string, template: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}) =>
    call(commands, command.url, method, template, path, { ...init, headers: { ...(await as.customer('c-openapi')), ...init.headers } });
  const get = async (template: string, path: string, headers?: Record<string, string>) =>
    call(queries, query.url, 'GET', template, path, { headers: { ...(await as.operator()), ...headers } });

  beforeAll(async () => {
    stack = await isolatedEnv('openapi');
    [projector, query] = await ServiceProcess.all([ServiceProcess.start('projector', stack.env), ServiceProcess.start('query-service', stack.env)]);
    command = await ServiceProcess.start('command-service', { ...stack.env, QUERY_SERVICE_PUBLIC_URL: query.url });
    const load = async (s: ServiceProcess) => (await (await fetch(`${s.url}/docs-json`)).json()) as OpenApiDocument;
    commands = new OpenApiChecker(await load(command), 'command.json');
    queries = new OpenApiChecker(await load(query), 'query.json');
  });

  afterAll(async () => {
    await Promise.all([command?.stop(), projector?.stop(), query?.stop()]);
    await stack?.dispose();
  });

  it('serves both OpenAPI pages (Swagger UI and its static assets)', async () => {
    for (const service of [command, query]) {
      const page = await fetch(`${service.url}/docs`);
      expect([page.status, page.headers.get('content-type')]).toEqual([200, expect.stringContaining('text/html')]);
      const asset = await fetch(`${service.url}/docs/swagger-ui.css`);
      expect(asset.status).toBe(200);
    }
  });

  it('the command service: successes, every refusal it can be driven to, their media type and headers', async () => {
    const created = await cmd('POST', '/carts', '/carts', { body: JSON.stringify({ customerId: 'c-openapi' }), headers: json });
    expect(created.status).toBe(201);
    const cartId: string = created.body.cartId;
    expect(created.headers.get('location')).toBe(`${query.url}/carts/${cartId}`);
    const items = `/carts/${cartId}/items`;
    expect((await cmd('POST', '/carts/{cartId}/items', items, { body: JSON.stringify(ITEM), headers: json })).status).toBe(200);
    expect((await cmd('POST', '/carts/{cartId}/items', items, { body: JSON.stringify({ ...ITEM, quantity: 0 }), headers: json })).status).toBe(400);
    expect((await cmd('POST', '/carts/{cartId}/items', items, { body: '{"sku":', headers: json })).status).toBe(400);
    expect((await cmd('POST', '/carts/{cartId}/items', items, { body: 'mug', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    expect((await cmd('POST', '/carts/{cartId}/items', items, { body: JSON.stringify({ ...ITEM, name: 'x'.repeat(17_000) }), headers: json })).status).toBe(413);
    expect((await cmd('POST', '/carts/{cartId}/items', items, { body: JSON.stringify({ ...ITEM, currency: 'USD' }), headers: json })).status).toBe(409);
    const keyed = { ...json, 'idempotency-key': `k-${randomUUID()}` };
    expect((await cmd('POST', '/carts/{cartId}/items', items, { body: JSON.stringify({ ...ITEM, sku: 'cup' }), headers: keyed })).status).toBe(200);
    expect((await cmd('POST', '/carts/{cartId}/items', items, { body: JSON.stringify({ ...ITEM, sku: 'pot' }), headers: keyed })).status).toBe(422);
    expect((await cmd('PATCH', '/carts/{cartId}/items/{sku}', `${items}/mug`, { body: '{"quantity":3}', headers: json })).status).toBe(200);
    expect((await cmd('PATCH', '/carts/{cartId}/items/{sku}', `${items}/nope`, { body: '{"quantity":3}', headers: json })).status).toBe(404);
    expect((await cmd('DELETE', '/carts/{cartId}/items/{sku}', `${items}/cup`)).status).toBe(200);
    expect((await cmd('POST', '/carts/{cartId}/checkout', `/carts/${cartId}/checkout`, { headers: { 'if-match': '"1"' } })).status).toBe(412);
    expect((await cmd('POST', '/carts/{cartId}/checkout', `/carts/${cartId}/checkout`)).status).toBe(200);
    expect((await cmd('POST', '/carts/{cartId}/abandon', `/carts/${cartId}/abandon`)).status).toBe(409);
    expect((await cmd('POST', '/carts/{cartId}/abandon', `/carts/${randomUUID()}/abandon`)).status).toBe(404);
    expect((await cmd('POST', '/carts/{cartId}/abandon', '/carts/not-a-uuid/abandon')).status).toBe(400);
    expect(mismatches).toEqual([]);
  });

  it('the query service: every declared response of every cart, customer and product endpoint, seen for real', async () => {
    const customer = await as.customer('c-query');
    const created = await fetch(`${command.url}/carts`, { method: 'POST', body: JSON.stringify({ customerId: 'c-query' }), headers: { ...json, ...customer } });
    const { cartId } = (await created.json()) as { cartId: string };
    await fetch(`${command.url}/carts/${cartId}/items`, { method: 'POST', body: JSON.stringify(ITEM), headers: { ...json, ...customer } });
    await fetch(`${command.url}/carts/${cartId}/checkout`, { method: 'POST', headers: customer });
    for (let i = 0; i < 2; i++) await fetch(`${command.url}/carts`, { method: 'POST', body: JSON.stringify({ customerId: 'c-query' }), headers: { ...json, ...customer } });
    await stack.caughtUp();

    const cart = await get('/carts/{cartId}', `/carts/${cartId}?minVersion=3`);
    expect([cart.status, cart.body.currency, cart.body.items.length]).toEqual([200, 'EUR', 1]);
    expect((await get('/carts/{cartId}', `/carts/${cartId}`, { 'if-none-match': '"3"' })).status).toBe(304);
    expect((await get('/carts/{cartId}', `/carts/${cartId}?minVersion=4&waitMs=0`)).status).toBe(503);
    expect((await get('/carts/{cartId}', `/carts/${randomUUID()}`)).status).toBe(404);
    expect((await get('/carts/{cartId}', '/carts/nope')).status).toBe(400);

    const first = await get('/customers/{customerId}/carts', '/customers/c-query/carts?limit=2');
    expect([first.status, first.body.items.length, typeof first.body.nextCursor]).toEqual([200, 2, 'string']);
    const last = await get('/customers/{customerId}/carts', `/customers/c-query/carts?limit=2&cursor=${first.body.nextCursor}`);
    expect([last.status, last.body.items.length, last.body.nextCursor]).toEqual([200, 1, null]);
    expect((await get('/customers/{customerId}/carts', '/customers/c-query/carts?limit=0')).status).toBe(400);
    expect((await get('/customers/{customerId}/carts', '/customers/c-query/carts', await as.customer('c-other'))).status).toBe(403);
    const mine = await get('/me/carts', '/me/carts', customer);
    expect([mine.status, mine.body.items.length]).toEqual([200, 3]);

    const top = await get('/products/top', '/products/top?by=revenue&currency=EUR');
    expect([top.status, top.body.items[0]?.sku]).toEqual([200, 'mug']);
    expect((await get('/products/top', '/products/top?by=abandoned')).body.items).toEqual([]);
    expect((await get('/products/top', '/products/top?by=revenue')).status).toBe(400);
    expect((await get('/products/{sku}/activity', '/products/mug/activity')).status).toBe(200);
    expect((await get('/products/{sku}/activity', '/products/nothing-here/activity')).status).toBe(404);
    expect((await get('/products/{sku}/activity', `/products/${'x'.repeat(65)}/activity`)).status).toBe(400);

    // A database that does not answer in time — here a lock held past the query service's
    // statement timeout (QUERY_STATEMENT_TIMEOUT_MS, 2.5 s): 503 DATABASE_UNAVAILABLE with Retry-After.
    const locker = stack.ds.createQueryRunner();
    await locker.connect();
    await locker.startTransaction();
    try {
      await locker.query('LOCK TABLE projection_generations IN ACCESS EXCLUSIVE MODE');
      const unavailable = await Promise.all([
        get('/customers/{customerId}/carts', '/customers/c-query/carts'),
        get('/products/top', '/products/top?by=abandoned'),
        get('/products/{sku}/activity', '/products/mug/activity'),
      ]);
      expect(unavailable.map((r) => [r.status, r.body.code])).toEqual(Array(3).fill([503, 'DATABASE_UNAVAILABLE']));
    } finally {
      await locker.rollbackTransaction();
      await locker.release();
    }

    expect(mismatches).toEqual([]);
    const readModels = (path: string) => /^\/(carts|customers|products)\//.test(path);
    expect(queries.declared(readModels).filter((r) => !queries.seen.has(r))).toEqual([]);
  });

  it('docs/api.md and docs/query-api.md have a section for every operation the documents declare', () => {
    const sections = (file: string) => readFileSync(path.join(__dirname, '..', 'docs', file), 'utf8').match(/^#+ `[A-Z]+ [^`]+`/gm) ?? [];
    const operations = (checker: OpenApiChecker, skip: RegExp) => Object.entries(checker.doc.paths).filter(([p]) => !skip.test(p))
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    const documented = [...sections('api.md'), ...sections('query-api.md')].map((h) => h.replace(/^#+ `|`$/g, ''));
    const undocumented = [...operations(commands, /^\/health/), ...operations(queries, /^\/(health|projections)/)].filter((op) => !documented.includes(op));
    expect(undocumented).toEqual([]);
  });
});
