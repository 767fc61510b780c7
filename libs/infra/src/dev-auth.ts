import { generateKeyPairSync, createPrivateKey } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { InfraError } from './infra-error';
import { localDir } from './repo-root';

/**
 * The local stack's identity provider, in two functions: a development signing key (ES256, made
 * once under `.local/auth/`, private part 0600) whose public half the services are configured
 * with, and tokens signed with it (`npm run cartctl -- token`). Never for production: there the
 * services verify an identity provider's tokens through AUTH_JWKS_URL (docs/security.md).
 */
export const DEV_ISSUER = 'carts-local-dev';
export const DEV_AUDIENCE = 'carts';
export const DEV_ALGORITHM = 'ES256';

export interface DevKeyFiles {
  readonly privateKeyFile: string;
  readonly publicKeyFile: string;
}

export const defaultDevKeyDir = (): string => localDir('auth');

export function devKeyFiles(dir = defaultDevKeyDir()): DevKeyFiles {
  return { privateKeyFile: join(dir, 'dev-signing-key.pem'), publicKeyFile: join(dir, 'dev-public-key.pem') };
}

/** The key pair in `dir`, made on first use (a second call, or a second clone's first, reuses or makes its own). */
export function ensureDevSigningKey(dir = defaultDevKeyDir()): DevKeyFiles {
  const files = devKeyFiles(dir);
  if (existsSync(files.privateKeyFile) && existsSync(files.publicKeyFile)) return files;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(files.privateKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  chmodSync(files.privateKeyFile, 0o600);
  writeFileSync(files.publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
  return files;
}

/** The services' token settings for the development key. */
export function devAuthEnv(files: DevKeyFiles): Record<string, string> {
  return { AUTH_ISSUER: DEV_ISSUER, AUTH_AUDIENCE: DEV_AUDIENCE, AUTH_PUBLIC_KEY_FILE: files.publicKeyFile, AUTH_ALGORITHMS: DEV_ALGORITHM };
}

export interface DevTokenClaims {
  /** The customer id for a customer; who is operating for an operator. */
  readonly subject: string;
  readonly roles: readonly ('customer' | 'operator')[];
  readonly ttlSeconds?: number;
}

export async function signDevToken(privateKeyFile: string, claims: DevTokenClaims, issuer = DEV_ISSUER, audience = DEV_AUDIENCE): Promise<string> {
  if (!existsSync(privateKeyFile)) {
    throw new InfraError('PREREQUISITE_MISSING', `No development signing key at ${privateKeyFile}: \`npm start\` creates it (or set AUTH_DEV_SIGNING_KEY_FILE).`);
  }
  const key = createPrivateKey(readFileSync(privateKeyFile, 'utf8'));
  return new SignJWT({ roles: [...claims.roles] })
    .setProtectedHeader({ alg: DEV_ALGORITHM, typ: 'JWT' })
    .setSubject(claims.subject)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(`${claims.ttlSeconds ?? 3600}s`)
    .sign(key);
}
