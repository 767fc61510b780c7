/**
 * Waits for a point (a version in a read model, an offset, a process state) by polling a
 * condition: never a fixed sleep. Fails with the last value seen, so a timeout is diagnosable.
 */
export async function waitFor<T>(probe: () => Promise<T> | T, until: (value: T) => boolean, { timeoutMs = 20_000, intervalMs = 50, what = 'condition' } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (until(last)) return last;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value ${JSON.stringify(last)}${lastError ? `, last error ${lastError}` : ''}`);
}
