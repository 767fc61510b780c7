import { DEV_AUDIENCE, DEV_ISSUER, signDevToken, type DevTokenClaims } from '@carts/infra';

/**
 * Bearer tokens for tests, signed with the run's key (global set-up makes it and configures every
 * service with its public half). Cached per subject and role: a token lives an hour.
 */
const cache = new Map<string, Promise<string>>();

function signingKeyFile(): string {
  const file = process.env.TEST_AUTH_SIGNING_KEY_FILE;
  if (!file) throw new Error('TEST_AUTH_SIGNING_KEY_FILE is not set: tokens need the integration tier\'s global set-up');
  return file;
}

export function testToken(claims: DevTokenClaims & { readonly issuer?: string; readonly audience?: string }): Promise<string> {
  return signDevToken(signingKeyFile(), claims, claims.issuer ?? DEV_ISSUER, claims.audience ?? DEV_AUDIENCE);
}

function cached(subject: string, roles: DevTokenClaims['roles']): Promise<string> {
  const key = `${roles.join(',')}:${subject}`;
  let token = cache.get(key);
  if (!token) cache.set(key, (token = testToken({ subject, roles, ttlSeconds: 3600 })));
  return token;
}

/** `Authorization` headers for a customer (the token's subject is the customer id) or an operator. */
export const as = {
  customer: async (customerId: string): Promise<Record<string, string>> => ({ authorization: `Bearer ${await cached(customerId, ['customer'])}` }),
  operator: async (name = 'ops'): Promise<Record<string, string>> => ({ authorization: `Bearer ${await cached(name, ['operator'])}` }),
};
