import { loadConfig } from '@carts/config';
import { ensureDevSigningKey, signDevToken } from '@carts/infra';
import { parseArgs, positiveSeconds } from '../args';
import { UsageError, type Output } from '../context';

export const consoleUsage = 'console [--ttl <seconds>]             the operator console\'s URL, with an operator token handed over in its #fragment (local key)';

/**
 * `cartctl console`: the console's URL with a development operator token in the fragment — a
 * fragment never leaves the browser (no server or proxy logs it); the page moves it into the
 * tab's sessionStorage and removes it from the address bar. With a real identity provider, open
 * the URL without it and paste your token.
 */
export async function consoleLink(argv: string[], output: Output, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { flags, positional } = parseArgs(argv, ['ttl'], []);
  if (positional.length > 0) throw new UsageError(`console takes no positional arguments (got ${positional.join(' ')})`);
  const ttlSeconds = positiveSeconds(flags, 'ttl', 3600);
  const { http } = loadConfig(env);
  const host = http.host === '0.0.0.0' || http.host === '::' ? '127.0.0.1' : http.host;
  const keyFile = env.AUTH_DEV_SIGNING_KEY_FILE?.trim() || ensureDevSigningKey().privateKeyFile;
  const signed = await signDevToken(keyFile, { subject: env.USER?.trim() || 'operator', roles: ['operator'], ttlSeconds });
  output.line(`http://${host}:${http.consolePort}/console/#token=${signed}`);
  return 0;
}
