import { createPrivateKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import { DEV_AUDIENCE, DEV_ISSUER } from '@carts/infra';
import { as, http, isolatedEnv, ServiceProcess, testToken, type HttpResult, type IsolatedEnv } from '@carts/testing';

const ITEM = { sku: 'mug', name: 'Mug', quantity: 1, unitPrice: 1250, currency: 'EUR' };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Signs with the run's key, or a stranger's, with any claims: the tokens a client should not get through with. */
async function forged(options: { key?: 'run' | 'stranger'; iss?: string; aud?: string; exp?: number; alg?: string } = {}): Promise<string> {
  const key = options.key === 'stranger' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey : createPrivateKey(readFileSync(process.env.TEST_AUTH_SIGNING_KEY_FILE!, 'utf8'));
  return new SignJWT({ roles: ['customer', 'operator'] }).setProtectedHeader({ alg: 'ES256' }).setSubject('alice')
    .setIssuer(options.iss ?? DEV_ISSUER).setAudience(options.aud ?? DEV_AUDIENCE).setIssuedAt()
    .setExpirationTime(options.exp ?? Math.floor(Date.now() / 1000) + 600).sign(key);
}

/**
 * Identity and access over the real services: every route needs a valid bearer token, customers
 * reach only their own carts (the single writer decides, from the cart's state), operators
 * operate, and one caller's burst meets a 429.
 */
describe('identity and access', () => {
  let stack: IsolatedEnv;
  let command: ServiceProcess;
  let projector: ServiceProcess;
  let query: ServiceProcess;
  let aliceCart: string;
  let bobCart: string;
  const eventsInLog = async () => [...(await stack.admin.endOffsets(stack.topic)).values()].reduce((sum, end) => sum + Number(end), 0);
  /** As a client should: with an Idempotency-Key, retried while the answer is a 503 (a writer still starting). */
  const create = async (customer: string, headers: Record<string, string> = {}) => {
    const keyed = { 'idempotency-key': randomUUID(), ...(await as.customer(customer)), ...headers };
    for (let attempt = 1; ; attempt++) {
      const response = await http<{ cartId: string; version: number }>('POST', `${command.url}/carts`, {}, keyed);
      if (response.status !== 503 || attempt === 10) return response;
    }
  };

  beforeAll(async () => {
    stack = await isolatedEnv('access');
    [projector, query, command] = await ServiceProcess.all([
      ServiceProcess.start('projector', stack.env), ServiceProcess.start('query-service', stack.env), ServiceProcess.start('command-service', stack.env),
    ]);
    aliceCart = (await create('alice')).body.cartId;
    bobCart = (await create('bob')).body.cartId;
    expect([aliceCart, bobCart]).toEqual([expect.any(String), expect.any(String)]);
    expect((await http('POST', `${command.url}/carts/${bobCart}/items`, ITEM, await as.customer('bob'))).status).toBe(200);
  });

  afterAll(async () => {
    await Promise.all([command?.stop(), projector?.stop(), query?.stop()]);
    await stack?.dispose();
  });

  it.each([
    ['no token', async () => ({})],
    ['a malformed Authorization header', async () => ({ authorization: 'Basic YWxpY2U6c2VjcmV0' })],
    ['an expired token', async () => bearer(await forged({ exp: Math.floor(Date.now() / 1000) - 120 }))],
    ['a token from another issuer', async () => bearer(await forged({ iss: 'https://evil.example' }))],
    ['a token for another audience', async () => bearer(await forged({ aud: 'payments' }))],
    ['a token signed by another key', async () => bearer(await forged({ key: 'stranger' }))],
  ])('%s → 401 problem+json with a Bearer challenge on both services, and nothing appended', async (_, headers) => {
    const before = await eventsInLog();
    const attempts: HttpResult[] = [
      await http('POST', `${command.url}/carts`, {}, await headers()),
      await http('POST', `${command.url}/carts/${aliceCart}/items`, ITEM, await headers()),
      await http('GET', `${query.url}/carts/${aliceCart}`, undefined, await headers()),
      await http('GET', `${query.url}/projections`, undefined, await headers()),
    ];
    for (const response of attempts) {
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="carts"/);
      expect(response.body).toMatchObject({ type: 'urn:carts:problem:unauthorized', status: 401 });
      expect(Object.keys(response.body as object).sort()).toEqual(['detail', 'instance', 'status', 'title', 'type']);
    }
    expect(await eventsInLog()).toBe(before);
  });

  it('keeps the health probes open', async () => {
    for (const service of [command, query, projector]) expect((await http('GET', `${service.url}/health/ready`)).status).toBe(200);
  });

  it("answers every command on another customer's cart with 404, exactly as for a cart that does not exist, appending nothing", async () => {
    const before = await eventsInLog();
    const alice = await as.customer('alice');
    const commands: [string, string, unknown][] = [
      ['POST', '/items', ITEM], ['PATCH', '/items/mug', { quantity: 3 }], ['DELETE', '/items/mug', undefined], ['POST', '/checkout', undefined], ['POST', '/abandon', undefined],
    ];
    for (const [method, path, body] of commands) {
      const onBobs = await http(method, `${command.url}/carts/${bobCart}${path}`, body, alice);
      const onNone = await http(method, `${command.url}/carts/00000000-0000-4000-8000-000000000000${path}`, body, alice);
      expect([method, path, onBobs.status]).toEqual([method, path, 404]);
      expect({ ...(onBobs.body as object), cartId: undefined, instance: undefined }).toEqual({ ...(onNone.body as object), cartId: undefined, instance: undefined });
    }
    // Even If-Match on the cart's true version learns nothing: a missing cart is at version 0.
    const ifMatch = { ...alice, 'if-match': '"2"' };
    const onBobsVersion = await http('POST', `${command.url}/carts/${bobCart}/items`, ITEM, ifMatch);
    const onNoneVersion = await http('POST', `${command.url}/carts/00000000-0000-4000-8000-000000000000/items`, ITEM, ifMatch);
    expect([onBobsVersion.status, onBobsVersion.headers.get('etag')]).toEqual([onNoneVersion.status, onNoneVersion.headers.get('etag')]);
    expect(await eventsInLog()).toBe(before);
    const bobs = await http<{ version: number; items: unknown[] }>('GET', `${query.url}/carts/${bobCart}?minVersion=2`, undefined, await as.customer('bob'));
    expect([bobs.status, bobs.body.version, bobs.body.items.length]).toEqual([200, 2, 1]);
  });

  it("serves a cart only to its customer (404 for another, as for a missing cart) and to operators", async () => {
    await stack.caughtUp();
    expect((await http('GET', `${query.url}/carts/${bobCart}`, undefined, await as.customer('alice'))).status).toBe(404);
    expect((await http('GET', `${query.url}/carts/${bobCart}`, undefined, await as.customer('bob'))).status).toBe(200);
    expect((await http('GET', `${query.url}/carts/${bobCart}`, undefined, await as.operator())).status).toBe(200);
    const waited = await http('GET', `${query.url}/carts/${bobCart}?minVersion=1&waitMs=200`, undefined, await as.customer('alice'));
    const missing = await http('GET', `${query.url}/carts/00000000-0000-4000-8000-000000000000?minVersion=1&waitMs=200`, undefined, await as.customer('alice'));
    expect([waited.status, (waited.body as { version: number }).version]).toEqual([missing.status, (missing.body as { version: number }).version]);
  });

  it("lists a customer's carts for that customer and operators only; /me/carts is exactly the caller's", async () => {
    await stack.caughtUp();
    expect((await http('GET', `${query.url}/customers/bob/carts`, undefined, await as.customer('alice'))).status).toBe(403);
    expect((await http<{ items: { cartId: string }[] }>('GET', `${query.url}/customers/bob/carts`, undefined, await as.customer('bob'))).body.items.map((c) => c.cartId)).toEqual([bobCart]);
    expect((await http('GET', `${query.url}/customers/bob/carts`, undefined, await as.operator())).status).toBe(200);
    const mine = await http<{ items: { cartId: string; customerId: string }[] }>('GET', `${query.url}/me/carts`, undefined, await as.customer('alice'));
    expect(mine.body.items.map((c) => c.cartId)).toEqual([aliceCart]);
    expect((await http('GET', `${query.url}/me/carts`, undefined, await as.operator())).status).toBe(403);
  });

  it('creates carts for the caller only, and the same Idempotency-Key from two customers makes two carts', async () => {
    const forBob = await http('POST', `${command.url}/carts`, { customerId: 'bob' }, await as.customer('alice'));
    expect([forBob.status, (forBob.body as { type: string }).type]).toEqual([403, 'urn:carts:problem:forbidden']);
    const key = { 'idempotency-key': 'same-key-for-two' };
    const [a1, a2, b] = [await create('carol', key), await create('carol', key), await create('dave', key)];
    expect([a1.status, a2.status, b.status]).toEqual([201, 201, 201]);
    expect(a2.body.cartId).toBe(a1.body.cartId);
    expect(b.body.cartId).not.toBe(a1.body.cartId);
    await stack.caughtUp();
    const carols = await http<{ customerId: string }>('GET', `${query.url}/carts/${a1.body.cartId}`, undefined, await as.operator());
    const daves = await http<{ customerId: string }>('GET', `${query.url}/carts/${b.body.cartId}`, undefined, await as.operator());
    expect([carols.body.customerId, daves.body.customerId]).toEqual(['carol', 'dave']);
  });

  it('keeps operations to operators: customers get 403 on product analytics and /projections, and operators do not place commands', async () => {
    for (const path of ['/products/top?by=added', '/products/mug/activity', '/projections']) {
      expect([path, (await http('GET', `${query.url}${path}`, undefined, await as.customer('alice'))).status]).toEqual([path, 403]);
      expect([path, (await http('GET', `${query.url}${path}`, undefined, await as.operator())).status]).toEqual([path, 200]);
    }
    expect((await http('POST', `${command.url}/carts`, {}, await as.operator())).status).toBe(403);
    expect((await http('POST', `${command.url}/carts/${aliceCart}/items`, ITEM, await as.operator())).status).toBe(403);
    const both = bearer(await testToken({ subject: 'erin', roles: [] }));
    expect((await http('GET', `${query.url}/me/carts`, undefined, both)).status).toBe(403);
  });

  it('limits each caller: past the limit a 429 problem+json with Retry-After, while another caller goes on', async () => {
    const limited = await ServiceProcess.start('query-service', { ...stack.env, RATE_LIMIT_REQUESTS: '5', RATE_LIMIT_WINDOW_MS: '60000' });
    try {
      const alice = await as.customer('alice');
      const answers = [];
      for (let i = 0; i < 7; i++) answers.push(await http('GET', `${limited.url}/me/carts`, undefined, alice));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const refused = answers[5];
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({ type: 'urn:carts:problem:too-many-requests', status: 429 });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await http('GET', `${limited.url}/me/carts`, undefined, await as.customer('bob'))).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});
