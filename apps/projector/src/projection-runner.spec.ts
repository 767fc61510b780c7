import type { DataSource } from 'typeorm';
import type { ProjectionConsumer } from '@carts/event-log';
import { ProjectionRunner, restartDelay } from './projection-runner';

describe('restart backoff', () => {
  it('doubles from the initial delay and stays at the cap', () => {
    const backoff = { initialMs: 1000, maxMs: 30_000 };
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => restartDelay(backoff, n))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });
});

describe('a runner while the database is unavailable', () => {
  const runner = () => {
    const writes: unknown[][] = [];
    const ds = { query: async (_sql: string, params: unknown[]) => void writes.push(params) } as unknown as DataSource;
    return { writes, runner: new ProjectionRunner('cart-details@g1', 'cart-details', 1, ds, () => ({}) as ProjectionConsumer, 'host:1') };
  };

  it('is not ready while waiting, says why, and is running again (recorded) once a write succeeds', async () => {
    const { runner: r, writes } = runner();
    r.consuming();
    r.waiting('database unavailable: connect ECONNREFUSED 127.0.0.1:5432');
    expect(r.healthy).toBe(false);
    expect(r.health).toMatchObject({ state: 'waiting', restarts: 0, reason: expect.stringMatching(/^waiting for the database \(database unavailable: connect ECONNREFUSED .*\); nothing is skipped, it resumes by itself$/) });
    r.resumed();
    expect(r.healthy).toBe(true);
    await r.stop();
    // `waiting` is never written (the database is where it cannot be written): running, then running again.
    expect(writes.map((w) => w[2])).toEqual(['running', 'running']);
  });

  it('does not hide a divergence behind a wait', () => {
    const { runner: r } = runner();
    r.diverged('built from another log');
    r.waiting('database unavailable: x');
    r.resumed();
    expect(r.health.state).toBe('diverged');
  });
});

describe('a consumer crash', () => {
  const runner = () => {
    const ds = { query: async () => undefined } as unknown as DataSource;
    return new ProjectionRunner('cart-details@g1', 'cart-details', 1, ds, () => ({}) as ProjectionConsumer, 'host:1');
  };
  const levels = (r: ProjectionRunner) => {
    const logger = (r as unknown as { logger: Record<'warn' | 'error', (line: string) => void> }).logger;
    const seen: string[] = [];
    jest.spyOn(logger, 'warn').mockImplementation(() => void seen.push('warn'));
    jest.spyOn(logger, 'error').mockImplementation(() => void seen.push('error'));
    return seen;
  };

  it('that the Kafka client restarts by itself (a coordinator still loading, say) is a warning, and counted', async () => {
    const r = runner();
    const seen = levels(r);
    r.consuming();
    r.crashed(new Error('The coordinator is loading and hence can\'t process requests for this group'), true);
    expect([seen, r.health.state, r.health.restarts]).toEqual([['warn'], 'restarting', 1]);
    await r.stop();
  });

  it('that stops the consumer is an error', async () => {
    const r = runner();
    const seen = levels(r);
    r.consuming();
    r.crashed(new Error('not retriable'), false);
    expect(seen).toEqual(['error']);
    await r.stop();
  });
});
