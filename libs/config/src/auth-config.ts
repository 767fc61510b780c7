import { ConfigError, Env, int, optionalStr, str } from './env-parsers';

/**
 * How the HTTP services verify bearer tokens (JWT). Issuer, audience and algorithms are pinned;
 * the keys come from the identity provider's JWKS (the production path) or one public key file
 * (the local stack's development key, which `npm start` creates under `.local/`).
 */
export interface AuthConfig {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl?: string;
  readonly publicKeyFile?: string;
  readonly algorithms: readonly string[];
  /** The claim holding the caller's roles (`customer`, `operator`): an array or a space-separated string. */
  readonly rolesClaim: string;
  readonly clockToleranceSeconds: number;
}

export interface RateLimitConfig {
  /** Requests one caller may make per window (per service instance). */
  readonly limit: number;
  readonly windowMs: number;
}

export const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

function algorithms(env: Env): string[] {
  const raw = str(env, 'AUTH_ALGORITHMS', 'RS256,ES256');
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length === 0 || !list.every((a) => (JWT_ALGORITHMS as readonly string[]).includes(a))) {
    throw new ConfigError('AUTH_ALGORITHMS', `a comma-separated list of ${JWT_ALGORITHMS.join(', ')} (never "none" or an HMAC)`, raw);
  }
  return list;
}

function jwksUrl(env: Env): string | undefined {
  const raw = optionalStr(env, 'AUTH_JWKS_URL');
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError('AUTH_JWKS_URL', 'an absolute https:// (or http://) URL', raw);
  }
  if (!['http:', 'https:'].includes(parsed.protocol)) throw new ConfigError('AUTH_JWKS_URL', 'an absolute https:// (or http://) URL', raw);
  return raw;
}

const AUTH_HINT = 'a value (the HTTP services verify bearer tokens: set AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL or AUTH_PUBLIC_KEY_FILE; `npm start` sets up a development key)';

/** undefined when nothing is configured; a ConfigError naming the first missing variable when half is. */
export function loadAuth(env: Env): AuthConfig | undefined {
  const any = ['AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_JWKS_URL', 'AUTH_PUBLIC_KEY_FILE'].some((name) => optionalStr(env, name) !== undefined);
  if (!any) return undefined;
  const issuer = optionalStr(env, 'AUTH_ISSUER');
  if (!issuer) throw new ConfigError('AUTH_ISSUER', AUTH_HINT, env.AUTH_ISSUER);
  const audience = optionalStr(env, 'AUTH_AUDIENCE');
  if (!audience) throw new ConfigError('AUTH_AUDIENCE', AUTH_HINT, env.AUTH_AUDIENCE);
  const jwks = jwksUrl(env);
  const publicKeyFile = optionalStr(env, 'AUTH_PUBLIC_KEY_FILE');
  if ((jwks === undefined) === (publicKeyFile === undefined)) {
    throw new ConfigError(jwks ? 'AUTH_PUBLIC_KEY_FILE' : 'AUTH_JWKS_URL', 'exactly one of AUTH_JWKS_URL and AUTH_PUBLIC_KEY_FILE', publicKeyFile ?? jwks);
  }
  return {
    issuer,
    audience,
    jwksUrl: jwks,
    publicKeyFile,
    algorithms: algorithms(env),
    rolesClaim: str(env, 'AUTH_ROLES_CLAIM', 'roles'),
    clockToleranceSeconds: int(env, 'AUTH_CLOCK_TOLERANCE_SECONDS', 5, 0, 300),
  };
}

/** The HTTP services refuse to start without a token configuration: one line says what to set. */
export function requireAuth(auth: AuthConfig | undefined): AuthConfig {
  if (!auth) throw new ConfigError('AUTH_ISSUER', AUTH_HINT, undefined);
  return auth;
}

export function loadRateLimit(env: Env): RateLimitConfig {
  return {
    limit: int(env, 'RATE_LIMIT_REQUESTS', 1000, 1, 1_000_000),
    windowMs: int(env, 'RATE_LIMIT_WINDOW_MS', 1000, 100, 3_600_000),
  };
}

export const AUTH_VARIABLES = [
  'AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_JWKS_URL', 'AUTH_PUBLIC_KEY_FILE', 'AUTH_ALGORITHMS', 'AUTH_ROLES_CLAIM',
  'AUTH_CLOCK_TOLERANCE_SECONDS', 'RATE_LIMIT_REQUESTS', 'RATE_LIMIT_WINDOW_MS',
] as const;
