import { as, http, isolatedEnv, runCartctl, ServiceProcess, type IsolatedEnv } from '@carts/testing';

/**
 * What `kafka-consumer-groups --list` shows after services and cartctl came and went: every
 * group carries the topic prefix (so prefixed ACLs cover it), and the private groups of
 * fixed-assignment readers (restores, standby tails, reply listeners, `cartctl events`) are gone
 * once their process stopped — no `reader-<uuid>` left per run.
 */
describe('consumer groups left behind', () => {
  let env: IsolatedEnv;

  beforeAll(async () => {
    env = await isolatedEnv('groups');
  });

  afterAll(async () => {
    await env?.dispose();
  });

  const groupsOfThisEnv = async (): Promise<string[]> => {
    const admin = env.kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.listGroups();
      return groups.map((g) => g.groupId).filter((id) => id.startsWith(env.env.KAFKA_TOPIC_PREFIX)).sort();
    } finally {
      await admin.disconnect();
    }
  };

  it('keeps only the stable, prefixed groups once everything stopped', async () => {
    const services = await Promise.all([
      ServiceProcess.start('command-service', env.env), ServiceProcess.start('command-service', env.env), ServiceProcess.start('projector', env.env),
    ]);
    const created = await http<{ cartId: string }>('POST', `${services[0].url}/carts`, { customerId: 'groups-1' }, await as.customer('groups-1'));
    expect(created.status).toBe(201);
    await env.caughtUp();
    const events = await runCartctl(['events', created.body.cartId], env.env);
    expect(events.code).toBe(0);
    expect((await groupsOfThisEnv()).some((id) => id.includes('private.'))).toBe(true);

    await Promise.all(services.map((s) => s.stop()));
    const prefix = env.env.KAFKA_TOPIC_PREFIX;
    expect(await groupsOfThisEnv()).toEqual([
      `${prefix}cart-command-processor`,
      `${prefix}projection.cart-details.g1`,
      `${prefix}projection.customer-carts.g1`,
      `${prefix}projection.product-activity.g1`,
    ]);
  });
});
