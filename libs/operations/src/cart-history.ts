import { decodeEvent, PoisonRecordError, printable } from '@carts/contracts';
import { partitionForKey, readPartitionsToEnd, type LogRecord } from '@carts/event-log';
import type { OperatorContext } from './operator-context';

/** One record of a cart's history as an operator reads it: what `cartctl events` prints, and its parts. */
export interface HistoryEntry {
  readonly offset: string;
  /** The event's version; null for a record that cannot be read. */
  readonly version: number | null;
  readonly type: string | null;
  /** When it happened (the event's occurredAt), else the record's timestamp. */
  readonly at: string;
  readonly data: unknown;
  /** Why the record is not a readable event (unknown type, unreadable), or null. */
  readonly note: string | null;
  /** The line `cartctl events` prints for it. */
  readonly line: string;
}

export interface CartHistory {
  readonly cartId: string;
  readonly topic: string;
  readonly partition: number;
  readonly entries: readonly HistoryEntry[];
  /** The records' values as stored (`cartctl events --json`). */
  readonly raw: readonly (string | null)[];
}

/**
 * One record, as the write side and the projections see it: an event applies only as the cart's
 * next version (stored + 1, a known type, a valid payload); anything else takes no version and is
 * marked, so a record the command service did not write stands out (docs/operations.md). `cart`
 * carries the version reached so far, record to record.
 */
export function describeRecord(record: LogRecord, cart: { version: number } = { version: 0 }): HistoryEntry {
  const timestamp = new Date(Number(record.timestamp)).toISOString();
  const entry = (version: number | null, type: string | null, at: string, data: unknown, note: string | null, rest: string): HistoryEntry =>
    ({ offset: record.offset, version, type, at, data, note, line: `${version === null ? '?' : `v${version}`}`.padEnd(5) + `offset ${record.offset}  ${at}  ${rest}` });
  try {
    const decoded = decodeEvent(record.value);
    if (decoded.kind === 'unknown') {
      const note = 'unknown type: takes no version; the projections park it';
      return entry(decoded.version, printable(decoded.type), timestamp, null, note, `${printable(decoded.type)} (${note})`);
    }
    const e = decoded.event;
    const rest = `${e.type.padEnd(19)} ${JSON.stringify(e.data)}`;
    if (e.version === cart.version + 1) {
      cart.version = e.version;
      return entry(e.version, e.type, e.occurredAt, e.data, null, rest);
    }
    const repeats = e.version <= cart.version;
    const note = `${repeats ? 'repeats' : 'does not continue'} v${cart.version}: takes no version${repeats ? '' : '; the projections park it'}`;
    return entry(e.version, e.type, e.occurredAt, e.data, note, `${rest}  (${note})`);
  } catch (error) {
    if (!(error instanceof PoisonRecordError)) throw error;
    return entry(null, null, timestamp, null, `unreadable: ${error.message}`, `UNREADABLE: ${error.message}`);
  }
}

/**
 * A cart's history read back from the log (the truth, not a read model): the cart's partition
 * comes from the same partitioner the producers use; that one partition is read (read-committed)
 * to its end.
 */
export async function readCartHistory(ctx: OperatorContext, cartId: string): Promise<CartHistory> {
  const partition = partitionForKey(cartId, await ctx.admin().partitionCount(ctx.topic));
  const records: LogRecord[] = [];
  await readPartitionsToEnd(ctx.kafka, [{ topic: ctx.topic, partition }], (batch) => {
    records.push(...batch.filter((r) => r.key === cartId));
  });
  const cart = { version: 0 };
  return { cartId, topic: ctx.topic, partition, entries: records.map((r) => describeRecord(r, cart)), raw: records.map((r) => (r.value ? r.value.toString() : null)) };
}
