/**
 * Tiny typed environment readers. Each failure names the variable and what it expects, so a
 * misconfigured service stops at boot with one actionable line instead of failing later.
 */
export class ConfigError extends Error {
  constructor(readonly variable: string, expected: string, actual: string | undefined) {
    super(`${variable}: expected ${expected}, got ${actual === undefined ? 'nothing' : JSON.stringify(actual)}`);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

const present = (env: Env, name: string): string | undefined => {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
};

export function str(env: Env, name: string, fallback?: string): string {
  const value = present(env, name) ?? fallback;
  if (value === undefined) throw new ConfigError(name, 'a non-empty value', env[name]);
  return value;
}

export function optionalStr(env: Env, name: string): string | undefined {
  return present(env, name);
}

export function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(name, `an integer from ${min} to ${max}`, raw);
  }
  return value;
}

export function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = present(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(name, 'true or false', env[name]);
}

export function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback?: T): T {
  const raw = present(env, name) ?? fallback;
  if (raw === undefined || !(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `one of ${allowed.join(', ')}`, env[name]);
  }
  return raw as T;
}

export function hostPortList(env: Env, name: string, fallback: string): string[] {
  const raw = present(env, name) ?? fallback;
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0 || !items.every((item) => /^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/.test(item))) {
    throw new ConfigError(name, 'a comma-separated list of host:port', raw);
  }
  return items;
}

export function postgresUrl(env: Env, name: string, fallback: string): string {
  const raw = present(env, name) ?? fallback;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'a postgres:// URL', raw);
  }
  if (!['postgres:', 'postgresql:'].includes(parsed.protocol) || parsed.pathname.length < 2) {
    throw new ConfigError(name, 'a postgres:// URL with a database name', raw);
  }
  return raw;
}

export function topicPrefix(env: Env, name: string): string {
  const raw = present(env, name) ?? '';
  if (!/^[A-Za-z0-9._-]{0,100}$/.test(raw)) throw new ConfigError(name, 'letters, digits, ".", "_" or "-"', raw);
  return raw;
}

/**
 * An absolute http(s) base URL, optionally with a path prefix (a gateway's), without query or
 * fragment; returned without its trailing slash so `${base}/carts/<id>` is well formed.
 */
export function httpBaseUrl(env: Env, name: string, fallback: string): string {
  const raw = present(env, name) ?? fallback;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'an absolute http:// or https:// URL', raw);
  }
  if (!['http:', 'https:'].includes(parsed.protocol) || parsed.search !== '' || parsed.hash !== '' || parsed.username !== '' || raw.includes('#') || raw.includes('?')) {
    throw new ConfigError(name, 'an absolute http:// or https:// URL without query, fragment or credentials', raw);
  }
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}
