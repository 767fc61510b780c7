import { ID_PATTERN } from '@carts/contracts';
import { ensureDevSigningKey, signDevToken } from '@carts/infra';
import { parseArgs, positiveSeconds } from '../args';
import { UsageError, type Output } from '../context';

export const tokenUsage = 'token --customer <customerId> | --operator [--ttl <seconds>]   print a bearer token signed with the local development key';

/**
 * The local stack's stand-in for an identity provider: a token signed with the key `npm start`
 * made under `.local/auth/` (or AUTH_DEV_SIGNING_KEY_FILE). Services configured with your real
 * provider (AUTH_JWKS_URL) do not accept it.
 */
export async function token(argv: string[], output: Output, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { flags, positional } = parseArgs(argv, ['customer', 'ttl'], ['operator']);
  if (positional.length > 0) throw new UsageError(`token takes no positional arguments (got ${positional.join(' ')})`);
  const customer = flags.get('customer');
  const operator = flags.has('operator');
  if ((customer === undefined) === !operator) throw new UsageError('token needs exactly one of --customer <customerId> and --operator');
  if (typeof customer === 'string' && !ID_PATTERN.test(customer)) throw new UsageError('--customer must be 1-64 characters of [A-Za-z0-9._-]');
  const ttlSeconds = positiveSeconds(flags, 'ttl', 3600);
  // The local key is made on first use (npm start makes the same one), so `docker compose up` can mount it.
  const keyFile = env.AUTH_DEV_SIGNING_KEY_FILE?.trim() || ensureDevSigningKey().privateKeyFile;
  const signed = await signDevToken(keyFile, operator ? { subject: env.USER?.trim() || 'operator', roles: ['operator'], ttlSeconds } : { subject: customer as string, roles: ['customer'], ttlSeconds });
  output.line(signed);
  return 0;
}
