import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, UnsecuredJWT } from 'jose';
import type { AuthConfig } from '@carts/config';
import { TokenVerifier } from './auth';

const dir = mkdtempSync(join(tmpdir(), 'auth-spec-'));
const pair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const trusted = pair();
const stranger = pair();
writeFileSync(join(dir, 'public.pem'), trusted.publicKey.export({ type: 'spki', format: 'pem' }));
const config: AuthConfig = { issuer: 'https://id.example', audience: 'carts', publicKeyFile: join(dir, 'public.pem'), algorithms: ['ES256'], rolesClaim: 'roles', clockToleranceSeconds: 5 };
const verifier = new TokenVerifier(config);

function token(overrides: { iss?: string; aud?: string; exp?: string | number; sub?: string | null; roles?: unknown; key?: ReturnType<typeof pair> } = {}): Promise<string> {
  const jwt = new SignJWT({ roles: overrides.roles ?? ['customer'] }).setProtectedHeader({ alg: 'ES256' })
    .setIssuer(overrides.iss ?? config.issuer).setAudience(overrides.aud ?? config.audience).setIssuedAt().setExpirationTime(overrides.exp ?? '5m');
  if (overrides.sub !== null) jwt.setSubject(overrides.sub ?? 'c-1');
  return jwt.sign((overrides.key ?? trusted).privateKey);
}

describe('TokenVerifier', () => {
  it('accepts a token signed by the configured key, for the pinned issuer and audience, and reads the roles', async () => {
    await expect(verifier.verify(await token())).resolves.toEqual({ subject: 'c-1', roles: ['customer'] });
    await expect(verifier.verify(await token({ sub: 'ops', roles: 'operator other' }))).resolves.toEqual({ subject: 'ops', roles: ['operator'] });
    await expect(verifier.verify(await token({ roles: ['admin'] }))).resolves.toEqual({ subject: 'c-1', roles: [] });
  });

  it.each([
    ['expired', { exp: Math.floor(Date.now() / 1000) - 60 }, /exp/],
    ['from another issuer', { iss: 'https://evil.example' }, /iss/],
    ['for another audience', { aud: 'payments' }, /aud/],
    ['signed by another key', { key: stranger }, /signature/],
    ['without a subject', { sub: null }, /sub/],
  ])('refuses a token %s', async (_, overrides, reason) => {
    await expect(verifier.verify(await token(overrides as never))).rejects.toThrow(reason);
  });

  it('refuses unsigned tokens and algorithms that are not pinned', async () => {
    const unsigned = new UnsecuredJWT({ roles: ['operator'] }).setSubject('ops').setIssuer(config.issuer).setAudience(config.audience).setExpirationTime('5m').encode();
    await expect(verifier.verify(unsigned)).rejects.toThrow();
    const hmac = await new SignJWT({ roles: ['operator'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('ops').setIssuer(config.issuer)
      .setAudience(config.audience).setExpirationTime('5m').sign(new TextEncoder().encode('a-shared-secret-of-32-bytes-long!'));
    await expect(verifier.verify(hmac)).rejects.toThrow();
  });
});
