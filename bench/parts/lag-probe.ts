import { addItem, ownerAuthorizations } from '../lib/carts-api';
import { percentile, round, sleep } from '../lib/stats';

export type VisibilityMode = 'minVersion' | 'polling';

export interface LagResults {
  /** minVersion: the query service's read-your-writes wait; polling: GET until the version shows. */
  readonly mode: VisibilityMode;
  readonly samples: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Probe commands that did not get a 2xx, or whose version never became visible within 5 s. */
  readonly failures: number;
}

const WAIT_MS = 5000;

/** The cart's owner reads it, as a client would (the query service serves a cart to its customer). */
const ownerHeaders = async (cartId: string) => ({ authorization: (await ownerAuthorizations([cartId]))[cartId] });

/** Uses `?minVersion=` when the query service knows it (a 400 means it does not). */
export async function detectMode(queryUrl: string, cartId: string): Promise<VisibilityMode> {
  const response = await fetch(`${queryUrl}/carts/${cartId}?minVersion=1&waitMs=0`, { headers: await ownerHeaders(cartId) });
  await response.arrayBuffer();
  return response.status === 400 ? 'polling' : 'minVersion';
}

async function visible(queryUrl: string, cartId: string, version: number, mode: VisibilityMode): Promise<boolean> {
  if (mode === 'minVersion') {
    const response = await fetch(`${queryUrl}/carts/${cartId}?minVersion=${version}&waitMs=${WAIT_MS}`, { headers: await ownerHeaders(cartId) });
    await response.arrayBuffer();
    return response.status === 200;
  }
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const response = await fetch(`${queryUrl}/carts/${cartId}`, { headers: await ownerHeaders(cartId) });
    const body = (await response.json().catch(() => ({}))) as { version?: number };
    if (response.status === 200 && (body.version ?? 0) >= version) return true;
    await sleep(2);
  }
  return false;
}

/**
 * The consistency lag under load, sampled by a few probe loops beside the load generator: each
 * sends AddItem to one of its own carts and, from the moment the 2xx arrives, measures how long
 * until the query service serves that version. One sample per loop every ~25 ms.
 */
export async function runLagProbe(commandUrl: string, queryUrl: string, carts: readonly string[], durationMs: number, loops = 4): Promise<LagResults> {
  const mode = await detectMode(queryUrl, carts[0]);
  const lags: number[] = [];
  let failures = 0;
  let n = 0;
  const deadline = Date.now() + durationMs;
  const loop = async () => {
    while (Date.now() < deadline) {
      const cartId = carts[n++ % carts.length];
      const answer = await addItem(commandUrl, cartId, n).catch(() => null);
      const acknowledged = Date.now();
      if (answer?.status !== 200) failures++;
      else if (await visible(queryUrl, cartId, answer.version, mode).catch(() => false)) lags.push(Date.now() - acknowledged);
      else failures++;
      await sleep(25);
    }
  };
  await Promise.all(Array.from({ length: loops }, loop));
  return { mode, samples: lags.length, p50: round(percentile(lags, 50)), p99: round(percentile(lags, 99)), max: round(Math.max(0, ...lags)), failures };
}
