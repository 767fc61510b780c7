import { signDevToken } from '@carts/infra';

/** The few HTTP calls the bench makes itself (setup, probes): plain fetch, bounded retries. */
export interface CommandAnswer {
  readonly status: number;
  readonly version: number;
  readonly cartId: string;
}

/**
 * Like any client, the bench acts as customers with bearer tokens: each cart is created by one of
 * 5,000 customers and every command or read of it goes with its owner's token (signed with the
 * run's own key, which bench-env configures the services with).
 */
let signingKeyFile: string | undefined;
const owners = new Map<string, string>();
const tokens = new Map<string, Promise<string>>();

export function useSigningKey(file: string): void {
  signingKeyFile = file;
}

export function bearerFor(customerId: string): Promise<string> {
  if (!signingKeyFile) throw new Error('bench tokens: no signing key (createBenchEnv sets it)');
  let token = tokens.get(customerId);
  if (!token) tokens.set(customerId, (token = signDevToken(signingKeyFile, { subject: customerId, roles: ['customer'], ttlSeconds: 6 * 3600 }).then((t) => `Bearer ${t}`)));
  return token;
}

/** The Authorization header of each cart's owner, for the load generator. */
export async function ownerAuthorizations(carts: readonly string[]): Promise<Record<string, string>> {
  return Object.fromEntries(await Promise.all(carts.map(async (cartId) => [cartId, await bearerFor(owners.get(cartId) ?? 'bench-customer-0')])));
}

export async function postJson(url: string, body: unknown, customerId: string): Promise<CommandAnswer> {
  const headers = { 'content-type': 'application/json', authorization: await bearerFor(customerId) };
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const parsed = (await response.json().catch(() => ({}))) as { version?: number; cartId?: string };
  return { status: response.status, version: parsed.version ?? 0, cartId: parsed.cartId ?? '' };
}

export const addItemBody = (n: number) => ({ sku: `PROBE-${n % 20}`, name: `Probe item ${n % 20}`, quantity: 1, unitPrice: 500, currency: 'EUR' });

export function addItem(commandUrl: string, cartId: string, n = 0): Promise<CommandAnswer> {
  return postJson(`${commandUrl}/carts/${cartId}/items`, addItemBody(n), owners.get(cartId) ?? 'bench-customer-0');
}

async function createCart(commandUrl: string, i: number): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const customerId = `bench-customer-${i % 5000}`;
    const answer = await postJson(`${commandUrl}/carts`, { customerId }, customerId);
    if (answer.status === 201) {
      owners.set(answer.cartId, customerId);
      return answer.cartId;
    }
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
