import { randomBytes } from 'node:crypto';
import { dropDatabase, ensureDatabase, parseDatabaseUrl } from '@carts/infra';
import { migrate } from '@carts/read-model';
import { as, assertTestDatabase, http, runCartctl, ServiceProcess, startSecuredKafka, waitFor, type SecuredKafka } from '@carts/testing';

/**
 * The whole system with Kafka's ACLs on: a broker with SASL/SCRAM and StandardAuthorizer
 * (nothing allowed that is not granted), the command service and the projector each logging in
 * as its own principal, the query service with no Kafka credentials at all.
 */
describe('the system with Kafka SASL/SCRAM and ACLs on', () => {
  let kafka: SecuredKafka;
  let databaseUrl: string;
  let command: ServiceProcess;
  let projector: ServiceProcess;
  let query: ServiceProcess;
  let cartId: string;

  beforeAll(async () => {
    kafka = await startSecuredKafka('e2e');
    const parsed = parseDatabaseUrl(assertTestDatabase(process.env.DATABASE_URL));
    databaseUrl = parsed.on(`${parsed.database}_secured_${randomBytes(3).toString('hex')}`);
    await ensureDatabase(databaseUrl);
    await migrate(databaseUrl);
    const db = { DATABASE_URL: databaseUrl };
    [projector, query] = await ServiceProcess.all([
      ServiceProcess.start('projector', { ...db, ...kafka.envFor('projector') }),
      ServiceProcess.start('query-service', { ...db, ...kafka.envFor('none') }),
    ]);
    // A second broker on the 2-core box: the first transaction of a fresh processor can take seconds.
    const patient = { COMMAND_TIMEOUT_MS: '30000' };
    command = await ServiceProcess.start('command-service', { ...db, ...kafka.envFor('command-service'), ...patient, QUERY_SERVICE_PUBLIC_URL: query.url });
  }, 15 * 60_000);

  afterAll(async () => {
    await Promise.all([command?.stop(), projector?.stop(), query?.stop()]);
    await kafka?.stop();
    if (databaseUrl && !process.env.KEEP_TEST_DATABASE) await dropDatabase(databaseUrl).catch(() => undefined);
  });

  it('creates a cart, adds an item, and serves both from the read model', async () => {
    const created = await http<{ cartId: string; version: number }>('POST', `${command.url}/carts`, { customerId: 'c-secured' }, await as.customer('c-secured'));
    expect({ status: created.status, body: created.body, log: created.status === 201 ? '' : command.output }).toMatchObject({ status: 201 });
    cartId = created.body.cartId;
    const added = await http<{ version: number }>('POST', `${command.url}/carts/${cartId}/items`, { sku: 'mug', name: 'Mug', quantity: 2, unitPrice: 1250, currency: 'EUR' }, await as.customer('c-secured'));
    expect(added.status).toBe(200);
    expect(added.body.version).toBe(2);

    const view = await waitFor(async () => http<Record<string, unknown>>('GET', `${query.url}/carts/${cartId}`, undefined, await as.customer('c-secured')), (r) => r.status === 200 && r.body.version === 2, { timeoutMs: 60_000, what: 'cart version 2 in the read model' });
    expect(view.body).toMatchObject({ cartId, customerId: 'c-secured', status: 'open', itemCount: 2, total: 2500, currency: 'EUR', version: 2 });
    expect(view.body.items).toEqual([expect.objectContaining({ sku: 'mug', quantity: 2, unitPrice: 1250 })]);
  });

  it("lets cartctl, as its own read-only principal, read a cart's history and the system's status", async () => {
    const env = { DATABASE_URL: databaseUrl, ...kafka.envFor('cartctl') };
    const events = await runCartctl(['events', cartId, '--json'], env);
    expect({ code: events.code, stderr: events.stderr }).toMatchObject({ code: 0 });
    expect(events.stdout).toContain('ItemAdded');
    const status = await runCartctl(['status'], env);
    expect({ code: status.code, stderr: status.stderr }).toMatchObject({ code: 0 });
    expect(status.stdout).toContain('cart-details');
  });

  it('runs each service as its own principal, and the projector stays ready', async () => {
    expect(command.output).not.toMatch(/AUTHORIZATION_FAILED|Not authorized/i);
    // Logged in with SASL/SCRAM, the services' logs are JSON lines that never carry a password.
    for (const [service, principal] of [[command, 'command-service'], [projector, 'projector']] as const) {
      expect(service.output).not.toContain(kafka.credentials.services[principal].password);
      expect(service.logLines().filter((l) => l.service !== service.name)).toEqual([]);
    }
    expect((await http('GET', `${projector.url}/health/ready`)).status).toBe(200);
    expect((await http('GET', `${command.url}/health/ready`)).status).toBe(200);
  });
});
