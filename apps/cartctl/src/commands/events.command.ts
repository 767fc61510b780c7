import { readCartHistory } from '@carts/operations';
import { parseArgs } from '../args';
import { UsageError, type CliContext } from '../context';

export const eventsUsage = 'events <cartId> [--json]              the cart\'s full history, read back from Kafka (audit)';

/** `cartctl events <cartId>`: the log is the truth, so the audit trail is read from it, not from a read model. */
export async function events(ctx: CliContext, argv: string[]): Promise<number> {
  const { positional, flags } = parseArgs(argv, [], ['json']);
  const cartId = positional[0];
  if (!cartId || positional.length > 1) throw new UsageError('events needs exactly one cart id');
  const history = await readCartHistory(ctx, cartId);
  if (flags.has('json')) {
    for (const value of history.raw) ctx.out.line(value ?? 'null');
    return 0;
  }
  ctx.out.line(`cart ${cartId}: ${history.entries.length} record(s) in ${history.topic} partition ${history.partition}`);
  for (const entry of history.entries) ctx.out.line(entry.line);
  return history.entries.length > 0 ? 0 : 3;
}
