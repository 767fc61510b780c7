import type { TopicNames } from '@carts/contracts';
import type { LogRecord } from '@carts/event-log';
import { PartitionState } from './partition-state';

/**
 * A partition's write-side state together with how far into the log it is: the next offset of
 * `cart-events`, `cart-idempotency` and `cart-writer-progress` it has applied. A standby keeps one up to date in the
 * background; a new owner catches it up from `positions` to the end instead of reading from 0.
 */
export interface Replica {
  readonly state: PartitionState;
  /** Next offset to apply, per topic; a missing topic means 0. */
  readonly positions: Map<string, bigint>;
  /** Unreadable events met since the owner last reported them (`topic/partition@offset`). */
  readonly unreadable?: string[];
}

export function newReplica(idempotencyRetentionMs: number): Replica {
  return { state: new PartitionState(idempotencyRetentionMs), positions: new Map(), unreadable: [] };
}

/**
 * Applies records of one partition in offset order, skipping any below the replica's position:
 * an overlapping re-read then changes nothing, which matters for the last-writer-wins idempotency
 * records. Events are idempotent by version, and progress only moves forward, anyway.
 */
export type ReplicaTopics = Pick<TopicNames, 'events' | 'writerProgress'>;

export function applyRecords(replica: Replica, records: readonly LogRecord[], topics: ReplicaTopics, now: number): void {
  for (const r of records) {
    const offset = BigInt(r.offset);
    if (offset < (replica.positions.get(r.topic) ?? 0n)) continue;
    if (r.topic === topics.events) {
      if (replica.state.restoreEvent(r.value) === 'unreadable') replica.unreadable?.push(`${r.topic}/${r.partition}@${r.offset}`);
    }
    else if (r.topic === topics.writerProgress) replica.state.restoreProgress(r.value);
    else replica.state.restoreIdempotency(r.key, r.value, now);
    replica.positions.set(r.topic, offset + 1n);
  }
}
