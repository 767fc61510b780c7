import { Client } from 'pg';
import { as, http, isolatedEnv, runCartctl, ServiceProcess, type IsolatedEnv, type RoleUrls } from '@carts/testing';

/**
 * Issue 12, PostgreSQL: the services run as `npm start` and production run them, each with its own
 * role — the projector as the writer (the owner's URL only to migrate at start-up), the query
 * service as the reader, cartctl as the writer with the owner for dropping old generations — and
 * the whole path works: commands, projection, read-your-writes, a blue/green rebuild.
 */
describe('the system end to end with one PostgreSQL role per service', () => {
  let stack: IsolatedEnv;
  let roles: RoleUrls;
  let services: ServiceProcess[] = [];

  beforeAll(async () => {
    // A generous command timeout: the first command waits for the processors' partition assignment.
    stack = await isolatedEnv('least_privilege', { COMMAND_TIMEOUT_MS: '30000' }, { roles: true });
    roles = stack.roles!;
    services = await ServiceProcess.all([
      ServiceProcess.start('command-service', stack.env),
      ServiceProcess.start('projector', { ...stack.env, DATABASE_URL: roles.writer, DATABASE_OWNER_URL: roles.owner }),
      ServiceProcess.start('query-service', { ...stack.env, DATABASE_URL: roles.reader }),
    ]);
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await stack?.dispose();
  });

  const [commands, query] = [() => services[0], () => services[2]];

  async function cartAt(cartId: string, version: number) {
    return http<{ version: number; items: unknown[] }>('GET', `${query().url}/carts/${cartId}?minVersion=${version}&waitMs=10000`, undefined, await as.customer('c-roles'));
  }

  it('a cart written through the projector role is read through the query role, before and after a blue/green rebuild', async () => {
    const created = await http<{ cartId: string; version: number }>('POST', `${commands().url}/carts`, { customerId: 'c-roles' }, await as.customer('c-roles'));
    expect(created.status).toBe(201);
    const added = await http<{ version: number }>('POST', `${commands().url}/carts/${created.body.cartId}/items`,
      { sku: 'MUG', name: 'Blue mug', quantity: 2, unitPrice: 1250, currency: 'EUR' }, await as.customer('c-roles'));
    expect(added.status).toBe(200);
    // Read-your-writes: the reader's LISTEN connection and its SELECTs.
    expect((await cartAt(created.body.cartId, added.body.version)).body).toMatchObject({ version: added.body.version, items: [expect.anything()] });

    const before: { generation: number }[] = await stack.ds.query(`SELECT generation FROM projection_generations WHERE projection = 'cart-details' AND state = 'active'`);
    const rebuild = await runCartctl(['rebuild', 'cart-details', '--wait-projector', '30'], { ...stack.env, DATABASE_URL: roles.writer, DATABASE_OWNER_URL: roles.owner });
    expect(rebuild).toMatchObject({ code: 0, stdout: expect.stringContaining('swapped') });
    const after: { generation: number }[] = await stack.ds.query(`SELECT generation FROM projection_generations WHERE projection = 'cart-details' AND state = 'active'`);
    expect(after[0].generation).toBeGreaterThan(before[0].generation);
    // The new generation's partition was created at run time: default privileges let the reader in.
    const view = await cartAt(created.body.cartId, added.body.version);
    expect(view.status).toBe(200);
    expect(view.body.version).toBe(added.body.version);
    const leftovers: { name: string }[] = await stack.ds.query(`SELECT to_regclass($1)::text AS name`, [`cart_details_g${before[0].generation}`]);
    expect(leftovers).toEqual([{ name: null }]);
  });

  it('cartctl without the owner: the rebuild swaps, then says dropping the old tables needs DATABASE_OWNER_URL', async () => {
    const rebuild = await runCartctl(['rebuild', 'customer-carts', '--wait-projector', '30'], { ...stack.env, DATABASE_URL: roles.writer });
    expect(rebuild).toMatchObject({ code: 1, stdout: expect.stringContaining('swapped'), stderr: expect.stringMatching(/needs the owner role: set DATABASE_OWNER_URL/) });
  });

  it("the query service's role cannot insert", async () => {
    const client = new Client({ connectionString: roles.reader });
    await client.connect();
    try {
      await expect(client.query(`INSERT INTO projection_generations (projection, generation, state) VALUES ('cart-details', 99, 'retired')`))
        .rejects.toMatchObject({ code: '42501' });
    } finally {
      await client.end();
    }
  });
});
