import { decodeEvent, PoisonRecordError } from '@carts/contracts';
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

export function describeRecord(record: LogRecord): HistoryEntry {
  const timestamp = new Date(Number(record.timestamp)).toISOString();
  const entry = (version: number | null, type: string | null, at: string, data: unknown, note: string | null, rest: string): HistoryEntry =>
    ({ offset: record.offset, version, type, at, data, note, line: `${version === null ? '?' : `v${version}`}`.padEnd(5) + `offset ${record.offset}  ${at}  ${rest}` });
  try {
    const decoded = decodeEvent(record.value);
    if (decoded.kind === 'unknown') {
      return entry(decoded.version, decoded.type, timestamp, null, 'unknown type: skipped by projections', `${decoded.type} (unknown type: skipped by projections)`);
    }
    const e = decoded.event;
    return entry(e.version, e.type, e.occurredAt, e.data, null, `${e.type.padEnd(19)} ${JSON.stringify(e.data)}`);
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
  return { cartId, topic: ctx.topic, partition, entries: records.map(describeRecord), raw: records.map((r) => (r.value ? r.value.toString() : null)) };
}
