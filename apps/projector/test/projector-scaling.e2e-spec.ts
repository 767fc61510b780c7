import { CONSUMER_GROUPS } from '@carts/contracts';
import { PROJECTIONS } from '@carts/read-model';
import { activeGenerationOf, generateCartEvents, isolatedEnv, runCartctl, ServiceProcess, snapshotGeneration, waitFor, type IsolatedEnv } from '@carts/testing';

/**
 * Each projection is its own consumer group, so projector instances share its partitions. Two
 * instances must give the same read models as one: compared with a rebuild done by one instance.
 */
describe('two projector instances', () => {
  let stack: IsolatedEnv;
  let first: ServiceProcess | undefined;
  let second: ServiceProcess | undefined;

  beforeAll(async () => {
    stack = await isolatedEnv('scaling', { PROJECTOR_SESSION_TIMEOUT_MS: '3000' });
    [first, second] = await ServiceProcess.all([ServiceProcess.start('projector', stack.env), ServiceProcess.start('projector', stack.env)]);
  });

  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
    await stack?.dispose();
  });

  it('share every projection\'s partitions and give the same read models as one instance', async () => {
    const groups = PROJECTIONS.map((p) => CONSUMER_GROUPS.projection(stack.config.kafka.topicPrefix, p.name, 1));
    for (const group of groups) {
      const state = await waitFor(() => stack.admin.group(group, stack.topic), (g) => g.state === 'Stable' && g.members === 2 && g.assignments.every((a) => a.partitions.length > 0),
        { timeoutMs: 30_000, what: `both instances consuming ${group}` });
      expect(state.assignments.flatMap((a) => a.partitions).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    }
    await stack.appendEvents(generateCartEvents({ seed: 77, events: 12_000 }));
    await stack.caughtUp();

    const shared = new Map<string, Record<string, string[]>>();
    for (const p of PROJECTIONS) shared.set(p.name, await snapshotGeneration(stack.ds, p, await activeGenerationOf(stack.ds, p.name)));
    await second!.stop();
    for (const p of PROJECTIONS) {
      expect(await runCartctl(['rebuild', p.name], stack.env)).toMatchObject({ code: 0 });
      const single = await snapshotGeneration(stack.ds, p, await activeGenerationOf(stack.ds, p.name));
      expect(Object.values(single).every((rows) => rows.length > 0)).toBe(true);
      expect(shared.get(p.name)).toEqual(single);
    }
  }, 180_000);
});
