import { randomUUID } from 'node:crypto';
import { as, http, type HttpResult } from '@carts/testing';

export interface CartVersion {
  readonly cartId: string;
  readonly version: number;
}

export type Headers = Record<string, string>;

export const ITEM = { sku: 'mug', name: 'Mug', quantity: 1, unitPrice: 1250, currency: 'EUR' } as const;

/** Who created each cart (across every CartApi of the run): its commands are sent as that customer. */
const owners = new Map<string, string>();

/** The customer a cart's commands are sent as: its creator, else `c-1`. */
export const ownerOf = (cartId: string): string => owners.get(cartId) ?? 'c-1';

/**
 * The command service's REST contract, as a client would call it: as a customer, with a bearer
 * token (an explicit `authorization` header wins, to test other identities).
 */
export class CartApi {
  constructor(readonly url: string) {}

  async createCart(customerId = 'c-1', headers: Headers = {}): Promise<HttpResult<CartVersion>> {
    const created = await http<CartVersion>('POST', `${this.url}/carts`, { customerId }, { ...(await as.customer(customerId)), ...headers });
    if (created.status === 201 || created.status === 200) owners.set(created.body.cartId, customerId);
    return created;
  }

  async addItem(cartId: string, item: Record<string, unknown> = ITEM, headers: Headers = {}): Promise<HttpResult<CartVersion>> {
    return http<CartVersion>('POST', `${this.url}/carts/${cartId}/items`, item, await this.auth(cartId, headers));
  }

  async changeQuantity(cartId: string, sku: string, quantity: number, headers: Headers = {}): Promise<HttpResult<CartVersion>> {
    return http<CartVersion>('PATCH', `${this.url}/carts/${cartId}/items/${sku}`, { quantity }, await this.auth(cartId, headers));
  }

  async removeItem(cartId: string, sku: string, headers: Headers = {}): Promise<HttpResult<CartVersion>> {
    return http<CartVersion>('DELETE', `${this.url}/carts/${cartId}/items/${sku}`, undefined, await this.auth(cartId, headers));
  }

  async checkout(cartId: string, headers: Headers = {}): Promise<HttpResult<CartVersion>> {
    return http<CartVersion>('POST', `${this.url}/carts/${cartId}/checkout`, undefined, await this.auth(cartId, headers));
  }

  async abandon(cartId: string, headers: Headers = {}): Promise<HttpResult<CartVersion>> {
    return http<CartVersion>('POST', `${this.url}/carts/${cartId}/abandon`, undefined, await this.auth(cartId, headers));
  }

  private async auth(cartId: string, headers: Headers): Promise<Headers> {
    return { ...(await as.customer(ownerOf(cartId))), ...headers };
  }

  /**
   * Sends a command as a client following the contract would: a 503 ("retry with the same
   * Idempotency-Key") is retried with the same key until another answer, for at most `timeoutMs`.
   * For set-up steps, whose subject is not the 503: on a loaded machine a command can outlast a
   * test's short COMMAND_TIMEOUT_MS.
   */
  async confirmed<T>(send: (headers: Headers) => Promise<HttpResult<T>>, timeoutMs = 60_000): Promise<HttpResult<T>> {
    const headers = { 'idempotency-key': randomUUID() };
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = await send(headers);
      if (result.status !== 503 || Date.now() > deadline) return result;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async newCart(): Promise<string> {
    const created = await this.confirmed((headers) => this.createCart('c-1', headers));
    // 200: a retry replayed the creation an earlier attempt's 503 had not confirmed.
    if (created.status !== 201 && created.status !== 200) throw new Error(`could not create a cart: ${created.status} ${JSON.stringify(created.body)}`);
    return created.body.cartId;
  }
}

export const correlation = (): Headers => ({ 'x-correlation-id': randomUUID() });
