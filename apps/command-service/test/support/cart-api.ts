import { randomUUID } from 'node:crypto';
import { http, type HttpResult } from '@carts/testing';

export interface CartVersion {
  readonly cartId: string;
  readonly version: number;
}

export type Headers = Record<string, string>;

export const ITEM = { sku: 'mug', name: 'Mug', quantity: 1, unitPrice: 1250, currency: 'EUR' } as const;

/** The command service's REST contract, as a client would call it. */
export class CartApi {
  constructor(readonly url: string) {}

  createCart(customerId = 'c-1', headers: Headers = {}): Promise<HttpResult<CartVersion>> {
    return http<CartVersion>('POST', `${this.url}/carts`, { customerId }, headers);
  }

  addItem(cartId: string, item: Record<string, unknown> = ITEM, headers: Headers = {}): Promise<HttpResult<CartVersion>> {
    return http<CartVersion>('POST', `${this.url}/carts/${cartId}/items`, item, headers);
  }

  changeQuantity(cartId: string, sku: string, quantity: number, headers: Headers = {}): Promise<HttpResult<CartVersion>> {
    return http<CartVersion>('PATCH', `${this.url}/carts/${cartId}/items/${sku}`, { quantity }, headers);
  }

  removeItem(cartId: string, sku: string, headers: Headers = {}): Promise<HttpResult<CartVersion>> {
    return http<CartVersion>('DELETE', `${this.url}/carts/${cartId}/items/${sku}`, undefined, headers);
  }

  checkout(cartId: string, headers: Headers = {}): Promise<HttpResult<CartVersion>> {
    return http<CartVersion>('POST', `${this.url}/carts/${cartId}/checkout`, undefined, headers);
  }

  abandon(cartId: string, headers: Headers = {}): Promise<HttpResult<CartVersion>> {
    return http<CartVersion>('POST', `${this.url}/carts/${cartId}/abandon`, undefined, headers);
  }

  async newCart(): Promise<string> {
    const created = await this.createCart();
    if (created.status !== 201) throw new Error(`could not create a cart: ${created.status} ${JSON.stringify(created.body)}`);
    return created.body.cartId;
  }
}

export const correlation = (): Headers => ({ 'x-correlation-id': randomUUID() });
