import { decodeEvent, PoisonRecordError, printable } from '@carts/contracts';
import { partitionForKey, readPartitionsToEnd, type LogRecord } from '@carts/event-log';
import { parseArgs } from '../args';
import { UsageError, type CliContext } from '../context';

export const eventsUsage = 'events <cartId> [--json]              the cart\'s full history, read back from Kafka (audit)';

/**
 * One record, as the write side and the projections see it: an event applies only as the cart's
 * next version (stored + 1, a known type, a valid payload); anything else takes no version and is
 * marked, so a record the command service did not write stands out (docs/operations.md).
 */
function describe(record: LogRecord, cart: { version: number }): string {
  const at = new Date(Number(record.timestamp)).toISOString();
  try {
    const decoded = decodeEvent(record.value);
    if (decoded.kind === 'unknown') {
      return `v${decoded.version}`.padEnd(5) + `offset ${record.offset}  ${at}  ${printable(decoded.type)} (unknown type: takes no version; the projections park it)`;
    }
    const e = decoded.event;
    const line = `v${e.version}`.padEnd(5) + `offset ${record.offset}  ${e.occurredAt}  ${e.type.padEnd(19)} ${JSON.stringify(e.data)}`;
    if (e.version === cart.version + 1) {
      cart.version = e.version;
      return line;
    }
    return `${line}  (${e.version <= cart.version ? 'repeats' : 'does not continue'} v${cart.version}: takes no version${e.version <= cart.version ? '' : '; the projections park it'})`;
  } catch (error) {
    if (!(error instanceof PoisonRecordError)) throw error;
    return '?'.padEnd(5) + `offset ${record.offset}  ${at}  UNREADABLE: ${error.message}`;
  }
}

/**
 * `cartctl events <cartId>`: the log is the truth, so the audit trail is read from it, not from a
 * read model. The cart's partition comes from the same partitioner the producers use; that one
 * partition is read (read-committed) to its end.
 */
export async function events(ctx: CliContext, argv: string[]): Promise<number> {
  const { positional, flags } = parseArgs(argv, [], ['json']);
  const cartId = positional[0];
  if (!cartId || positional.length > 1) throw new UsageError('events needs exactly one cart id');
  const partition = partitionForKey(cartId, await ctx.admin().partitionCount(ctx.topic));
  const records: LogRecord[] = [];
  await readPartitionsToEnd(ctx.kafka, [{ topic: ctx.topic, partition }], (batch) => {
    records.push(...batch.filter((r) => r.key === cartId));
  });
  if (flags.has('json')) {
    for (const r of records) ctx.out.line(r.value ? r.value.toString() : 'null');
    return 0;
  }
  ctx.out.line(`cart ${cartId}: ${records.length} record(s) in ${ctx.topic} partition ${partition}`);
  const cart = { version: 0 };
  for (const r of records) ctx.out.line(describe(r, cart));
  return records.length > 0 ? 0 : 3;
}
