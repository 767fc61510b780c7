/** The few HTTP calls the bench makes itself (setup, probes): plain fetch, bounded retries. */
export interface CommandAnswer {
  readonly status: number;
  readonly version: number;
  readonly cartId: string;
}

export async function postJson(url: string, body: unknown): Promise<CommandAnswer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const parsed = (await response.json().catch(() => ({}))) as { version?: number; cartId?: string };
  return { status: response.status, version: parsed.version ?? 0, cartId: parsed.cartId ?? '' };
}

export const addItemBody = (n: number) => ({ sku: `PROBE-${n % 20}`, name: `Probe item ${n % 20}`, quantity: 1, unitPrice: 500, currency: 'EUR' });

export function addItem(commandUrl: string, cartId: string, n = 0): Promise<CommandAnswer> {
  return postJson(`${commandUrl}/carts/${cartId}/items`, addItemBody(n));
}

async function createCart(commandUrl: string, i: number): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const answer = await postJson(`${commandUrl}/carts`, { customerId: `bench-customer-${i % 5000}` });
    if (answer.status === 201) return answer.cartId;
    if (answer.status !== 503 || attempt >= 5) throw new Error(`POST /carts answered ${answer.status}`);
  }
}

/** Creates `count` carts through the command service, `concurrency` requests at a time. */
export async function createCarts(commandUrl: string, count: number, concurrency = 64): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) ids.push(await createCart(commandUrl, next++));
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ids;
}
