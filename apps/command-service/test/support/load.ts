import { randomUUID } from 'node:crypto';
import { as } from '@carts/testing';
import { ITEM, ownerOf } from './cart-api';

export interface Sent {
  readonly cartId: string;
  readonly correlationId: string;
  /** HTTP status, or 0 when the connection failed (the instance was killed or stopped). */
  readonly status: number;
  readonly version?: number;
  /** A 503's Retry-After header (a refusal must tell the client when to come back). */
  readonly retryAfter?: string;
  /** The problem+json `type` of an error answer. */
  readonly problem?: string;
  /** When the request was sent, and when its answer came (`at`). */
  readonly sentAt?: number;
  readonly at: number;
}

export interface LoadOptions {
  readonly carts: readonly string[];
  readonly total: number;
  readonly concurrency: number;
  /** The instances to send to; asked before every request, so a dead one can be dropped. */
  readonly urls: () => readonly string[];
  readonly onResult?: (sent: Sent, done: number) => void;
  /** Keep going until this resolves, even past `total` (for tests that wait for a point). */
  readonly until?: Promise<unknown>;
  /** Stop anyway after this long (a failed test must not leave the load running). */
  readonly maxMs?: number;
}

/**
 * AddItem commands (1 unit each) over a set of carts, each with its own X-Correlation-Id, which
 * the writer copies into the event: that is how a 2xx is matched with its event in the log.
 */
export async function runLoad(options: LoadOptions): Promise<Sent[]> {
  const results: Sent[] = [];
  let next = 0;
  let stop = false;
  void options.until?.then(() => (stop = true));
  const timer = setTimeout(() => (stop = true), options.maxMs ?? 60_000);
  const worker = async () => {
    while (!stop && (options.until !== undefined || next < options.total)) {
      const i = next++;
      const cartId = options.carts[i % options.carts.length];
      const urls = options.urls();
      const url = urls[i % urls.length];
      const correlationId = randomUUID();
      const sent = await send(url, cartId, correlationId, `sku-${i % 20}`);
      results.push(sent);
      options.onResult?.(sent, results.length);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  clearTimeout(timer);
  return results;
}

async function send(url: string, cartId: string, correlationId: string, sku: string): Promise<Sent> {
  const sentAt = Date.now();
  try {
    const response = await fetch(`${url}/carts/${cartId}/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': correlationId, ...(await as.customer(ownerOf(cartId))) },
      body: JSON.stringify({ ...ITEM, sku }),
    });
    const body = (await response.json()) as { version?: number; type?: string };
    const retryAfter = response.headers.get('retry-after') ?? undefined;
    return { cartId, correlationId, status: response.status, version: body.version, retryAfter, problem: body.type, sentAt, at: Date.now() };
  } catch {
    return { cartId, correlationId, status: 0, sentAt, at: Date.now() };
  }
}
