/** Nearest-rank percentile of unsorted samples (a copy is sorted). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

export const perSecond = (count: number, ms: number): number => (ms > 0 ? Math.round((count * 1000) / ms) : 0);

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until `done` says so, at most `timeoutMs`; returns the last value. */
export async function pollUntil<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, what: string, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))})`);
    await sleep(intervalMs);
  }
}

export const thousands = (n: number): string => Math.round(n).toLocaleString('en-US');
