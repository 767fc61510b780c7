import { restartDelay } from './projection-runner';

describe('restart backoff', () => {
  it('doubles from the initial delay and stays at the cap', () => {
    const backoff = { initialMs: 1000, maxMs: 30_000 };
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => restartDelay(backoff, n))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });
});
