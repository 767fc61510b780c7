import { partitionForKey } from '@carts/event-log';
import { as, http, isolatedEnv, runCartctl, ServiceProcess, waitFor, type IsolatedEnv } from '@carts/testing';
import type { WriteSideStatus } from '../src/commands/status.command';

/** `cartctl status` shows the write side too: the broker, who owns which partition, the lag on cart-commands. */
describe('cartctl status: the write side', () => {
  let env: IsolatedEnv;
  let services: ServiceProcess[] = [];

  beforeAll(async () => {
    env = await isolatedEnv('status-write');
    services = await ServiceProcess.all([ServiceProcess.start('command-service', env.env), ServiceProcess.start('command-service', env.env)]);
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await env?.dispose();
  });

  const writeSide = async (): Promise<WriteSideStatus> => {
    const result = await runCartctl(['status', '--json'], env.env);
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout).writeSide;
  };

  it('names the instances, the partitions each owns, and the lag per partition', async () => {
    // Both instances own partitions once the group has settled after the second one joined.
    const settled = await waitFor(writeSide, (w) => w.state === 'Stable' && w.members.length === 2 && w.members.every((m) => m.partitions.length > 0),
      { what: 'the processor group stable with two owners' });
    expect(settled.members.flatMap((m) => m.partitions).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(settled.broker.brokers).toBeGreaterThanOrEqual(1);
    expect(settled.broker.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);

    // A command on every partition, so each has a committed offset to compare with its end.
    const covered = new Set<number>();
    for (let i = 0; covered.size < 6 && i < 300; i++) {
      const created = await http<{ cartId: string }>('POST', `${services[i % 2].url}/carts`, { customerId: `status-${i}` }, await as.customer(`status-${i}`));
      expect(created.status).toBe(201);
      covered.add(partitionForKey(created.body.cartId, 6));
    }
    expect(covered.size).toBe(6);
    // Every command processed: the writers' progress records reach each partition's end.
    const caughtUp = await waitFor(writeSide, (w) => w.lag.every((l) => l.lag === 0), { what: 'no command waiting on any partition' });
    expect(caughtUp.lag.map((l) => l.partition)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(caughtUp.lag.every((l) => !l.diverged)).toBe(true);

    const text = await runCartctl(['status'], env.env);
    expect(text.stdout).toMatch(/^broker: reachable, cluster \S+, \d+ broker\(s\)$/m);
    expect(text.stdout).toMatch(/^write side: group \S+cart-command-processor Stable, 2 instance\(s\)$/m);
    expect(text.stdout).toMatch(/^ {2}lag on cart-commands: p0=0 p1=0 p2=0 p3=0 p4=0 p5=0$/m);
  });

  it('says plainly when the broker does not answer', async () => {
    const result = await runCartctl(['status'], { ...env.env, KAFKA_BROKERS: '127.0.0.1:1' }, 120_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cartctl status: the Kafka broker does not answer at 127\.0\.0\.1:1 .*npm run kafka -- status/);
  });
});
