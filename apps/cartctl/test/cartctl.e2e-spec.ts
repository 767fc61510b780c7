import { CONSUMER_GROUPS } from '@carts/contracts';
import { PROJECTIONS, type ProjectionStatus } from '@carts/read-model';
import { activeGenerationOf, CartctlProcess, generateCartEvents, isolatedEnv, runCartctl, ServiceProcess, snapshotGeneration, waitFor, type IsolatedEnv } from '@carts/testing';

const projection = (name: string) => PROJECTIONS.find((p) => p.name === name)!;
const PROGRESS = /g\d+ \[#*\.*\] +\d+% [\d,]+\/[\d,]+ records +[\d,]+ records\/s +ETA (\d\d:\d\d|--:--)/;

/** The operator CLI as operators run it, against a real projector, broker and database. */
describe('cartctl', () => {
  let stack: IsolatedEnv;
  let projector: ServiceProcess | undefined;
  const events = generateCartEvents({ seed: 31, events: 20_000 });
  const cartctl = (...args: string[]) => runCartctl(args, stack.env);
  const generations = async (name: string) =>
    (await stack.ds.query(`SELECT generation, state FROM projection_generations WHERE projection = $1 ORDER BY generation`, [name])) as { generation: number; state: string }[];
  const tableExists = async (table: string) => (await stack.ds.query(`SELECT to_regclass($1) AS t`, [table]))[0].t !== null;

  beforeAll(async () => {
    stack = await isolatedEnv('cartctl', { PROJECTOR_SESSION_TIMEOUT_MS: '3000' });
  });

  afterAll(async () => {
    await projector?.stop();
    await stack?.dispose();
  });

  it('refuses to rebuild a projection that never ran, and explains usage mistakes (exit 2)', async () => {
    const never = await cartctl('rebuild', 'cart-details');
    expect(never.code).toBe(1);
    expect(never.stderr).toContain('cart-details has no active generation yet: start a projector first');
    expect((await cartctl('rebuild')).code).toBe(2);
    expect((await cartctl('rebuild', 'no-such-view')).stderr).toContain('unknown projection "no-such-view" (known: cart-details, customer-carts, product-activity)');
    expect((await cartctl('frobnicate')).code).toBe(2);
    expect((await cartctl('rebuild', 'cart-details', '--fast')).code).toBe(2);
  });

  it('status shows every projection live with its lag; events reads a cart\'s full history back from Kafka', async () => {
    projector = await ServiceProcess.start('projector', stack.env);
    await stack.appendEvents(events);
    await stack.caughtUp();
    const status = await cartctl('status');
    expect(status.code).toBe(0);
    for (const name of ['cart-details', 'customer-carts', 'product-activity']) expect(status.stdout).toMatch(new RegExp(`^${name} +1 +live +0 `, 'm'));
    expect(status.stdout).toContain('cart-details g1 lag by partition: p0=0 p1=0 p2=0 p3=0 p4=0 p5=0');

    const cartId = events.find((e) => e.type === 'CartCheckedOut')!.cartId;
    const history = events.filter((e) => e.cartId === cartId);
    const audit = await cartctl('events', cartId);
    expect(audit.code).toBe(0);
    const lines = audit.stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^cart ${cartId}: ${history.length} record\\(s\\) in \\S+cart-events partition \\d$`));
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(history.map((e) => `v${e.version}`));
    history.forEach((e, i) => expect(lines[i + 1]).toContain(`${e.occurredAt}  ${e.type}`));
    const json = await cartctl('events', cartId, '--json');
    expect(json.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual(history);
    expect((await cartctl('events', '00000000-0000-4000-8000-000000000000')).code).toBe(3);
  });

  it('rebuild fails clearly when no projector is consuming, and leaves the live generation untouched', async () => {
    await projector!.stop();
    projector = undefined;
    const live = await snapshotGeneration(stack.ds, projection('cart-details'), 1);
    const result = await cartctl('rebuild', 'cart-details', '--wait-projector', '2');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no projector started consuming cart-details generation 2 within 2 s');
    expect(result.stderr).toContain('Generation 1 is untouched and still live');
    expect(await generations('cart-details')).toEqual([{ generation: 1, state: 'active' }, { generation: 2, state: 'retired' }]);
    expect(await tableExists('cart_details_g2')).toBe(false);
    expect(await snapshotGeneration(stack.ds, projection('cart-details'), 1)).toEqual(live);
  });

  it('killed mid-rebuild: the live generation serves on untouched, and a rerun replaces the unfinished generation', async () => {
    projector = await ServiceProcess.start('projector', stack.env);
    const live = await snapshotGeneration(stack.ds, projection('customer-carts'), 1);
    const doomed = CartctlProcess.start(['rebuild', 'customer-carts'], stack.env);
    await waitFor(() => generations('customer-carts'), (g) => g.some((x) => x.state === 'building'), { what: 'the rebuild to create its generation' });
    await doomed.kill();
    expect(await generations('customer-carts')).toEqual([{ generation: 1, state: 'active' }, { generation: 2, state: 'building' }]);
    expect(await snapshotGeneration(stack.ds, projection('customer-carts'), 1)).toEqual(live);
    const status: { projections: ProjectionStatus[] } = JSON.parse((await cartctl('status', '--json')).stdout);
    expect(status.projections.find((p) => p.name === 'customer-carts')).toMatchObject({ activeGeneration: 1, state: 'rebuilding', rebuild: { generation: 2, mode: 'blue-green' } });

    const rerun = await cartctl('rebuild', 'customer-carts');
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain('replacing unfinished generation 2 of customer-carts');
    expect(rerun.stdout).toContain('swapped: customer-carts generation 3 is live, generation 1 retired');
    expect(rerun.stdout).toMatch(/rebuilt customer-carts: 20,\d{3} events applied, from 20,\d{3} log records, in \d\d:\d\d \([\d,]+ records\/s\)/);
    expect(rerun.stderr).toMatch(PROGRESS);
    expect(await activeGenerationOf(stack.ds, 'customer-carts')).toBe(3);
    expect(await snapshotGeneration(stack.ds, projection('customer-carts'), 3)).toEqual(live);
    expect([await tableExists('customer_carts_g1'), await tableExists('customer_carts_g2')]).toEqual([false, false]);
    // One projection rebuilt, the others untouched.
    expect(await activeGenerationOf(stack.ds, 'cart-details')).toBe(1);
    expect(await activeGenerationOf(stack.ds, 'product-activity')).toBe(1);
    // The retired generation's consumer group is deleted, so Kafka's lag tools no longer list it.
    expect((await stack.admin.group(CONSUMER_GROUPS.projection(stack.config.kafka.topicPrefix, 'customer-carts', 1))).state).toBe('Dead');
  });

  it('rebuild --in-place truncates the live generation and replays the log into it', async () => {
    const before = await snapshotGeneration(stack.ds, projection('product-activity'), 1);
    const result = await cartctl('rebuild', 'product-activity', '--in-place');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('emptied product-activity generation 1 and reset its positions to 0');
    expect(result.stdout).toMatch(/rebuilt product-activity in place: [\d,]+ events applied, from [\d,]+ log records/);
    expect(await activeGenerationOf(stack.ds, 'product-activity')).toBe(1);
    expect(await snapshotGeneration(stack.ds, projection('product-activity'), 1)).toEqual(before);
    expect((await stack.ds.query(`SELECT replay_started_at FROM projection_generations WHERE projection = 'product-activity' AND generation = 1`))[0].replay_started_at).toBeNull();
  });
});
