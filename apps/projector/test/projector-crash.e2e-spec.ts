import { PROJECTIONS } from '@carts/read-model';
import { activeGenerationOf, generateCartEvents, isolatedEnv, runCartctl, ServiceProcess, snapshotGeneration, storedPosition, waitFor, type IsolatedEnv } from '@carts/testing';

const EVENTS = 24_000;
const KILLS = 5;

/**
 * Exactly-once effect under crashes: the read model and its offsets commit in one PostgreSQL
 * transaction, so a projector killed with SIGKILL at any point resumes without losing or doubling
 * anything. Proof: after five kill -9s mid-stream, every read model equals, row for row, a clean
 * rebuild of the same log from offset 0.
 */
describe('projector killed with SIGKILL during a stream', () => {
  let stack: IsolatedEnv;
  let projector: ServiceProcess | undefined;

  beforeAll(async () => {
    stack = await isolatedEnv('crash', { PROJECTOR_SESSION_TIMEOUT_MS: '3000' });
    projector = await ServiceProcess.start('projector', stack.env);
  });

  afterAll(async () => {
    await projector?.stop();
    await stack?.dispose();
  });

  const position = async () => {
    let sum = 0;
    for (const p of PROJECTIONS) sum += await storedPosition(stack.ds, p.name);
    return sum;
  };

  it(`kill -9 ${KILLS} times during ${EVENTS.toLocaleString('en')} events: every read model equals a clean rebuild from offset 0`, async () => {
    const events = generateCartEvents({ seed: 2024, events: EVENTS });
    const chunk = Math.ceil(events.length / (KILLS + 1));
    let kills = 0;
    for (let i = 0; i < events.length; i += chunk) {
      const before = await position();
      await stack.appendEvents(events.slice(i, i + chunk));
      if (kills === KILLS) continue;
      // Kill it while it is applying this chunk: some batches committed, others in flight.
      await waitFor(position, (p) => p > before, { timeoutMs: 30_000, intervalMs: 20, what: 'the projector applying the new chunk' });
      await projector!.kill();
      kills++;
      projector = await ServiceProcess.start('projector', stack.env);
    }
    expect(kills).toBe(KILLS);
    await stack.caughtUp(90_000);

    for (const projection of PROJECTIONS) {
      const survived = await activeGenerationOf(stack.ds, projection.name);
      const afterCrashes = await snapshotGeneration(stack.ds, projection, survived);
      const rebuilt = await runCartctl(['rebuild', projection.name], stack.env);
      expect(rebuilt).toMatchObject({ code: 0 });
      const clean = await activeGenerationOf(stack.ds, projection.name);
      expect(clean).toBe(survived + 1);
      const fromScratch = await snapshotGeneration(stack.ds, projection, clean);
      expect(Object.values(fromScratch).every((rows) => rows.length > 0)).toBe(true);
      expect(afterCrashes).toEqual(fromScratch);
    }
    const carts: { n: string }[] = await stack.ds.query(`SELECT count(*) AS n FROM cart_details`);
    expect(Number(carts[0].n)).toBe(new Set(events.map((e) => e.cartId)).size);
  }, 240_000);
});
