import { evolve, initialState, type CartState } from '@carts/domain';
import { decodeEvent, toDomainEvent, type IdempotencyRecord, type TopicNames } from '@carts/contracts';
import { WRITER_PROGRESS_KEY, decodeWriterProgress, laterProgress, type LogRecord } from '@carts/event-log';

export interface CartEntry {
  readonly state: CartState;
  /** The cart's version: its number of events. */
  readonly version: number;
}

export const NEW_CART: CartEntry = { state: initialState, version: 0 };

export type StateTopics = Pick<TopicNames, 'events' | 'writerProgress'>;

/**
 * The write-side state of one partition — its carts, its idempotency records, the writer's
 * progress — and how far into the log it is: the next offset of `cart-events`,
 * `cart-idempotency` and `cart-writer-progress` applied. Restored on assignment (see
 * partition-restore.ts); a standby keeps one current in the background (standby-tailer.ts), so a
 * new owner catches it up from `positions` to the end instead of reading from 0. The owner
 * mutates it only after a transaction committed.
 */
export class PartitionState {
  readonly carts = new Map<string, CartEntry>();
  readonly idempotency = new Map<string, IdempotencyRecord>();
  eventsRestored = 0;
  /** The command processor's progress (next command offset): the latest of its records (see writer-progress.ts). */
  writerProgress: bigint | null = null;
  /** Next offset to apply, per topic; a missing topic means 0. */
  readonly positions = new Map<string, bigint>();
  /** Unreadable events met since the owner last reported them (`topic/partition@offset`). */
  readonly unreadable: string[] = [];

  constructor(private readonly idempotencyRetentionMs: number) {}

  cart(cartId: string): CartEntry {
    return this.carts.get(cartId) ?? NEW_CART;
  }

  /**
   * Applies records of one partition in offset order, skipping any below the position: an
   * overlapping re-read then changes nothing, which matters for the last-writer-wins idempotency
   * records. Events are idempotent by version, and progress only moves forward, anyway.
   */
  apply(records: readonly LogRecord[], topics: StateTopics, now: number): void {
    for (const r of records) {
      const offset = BigInt(r.offset);
      if (offset < (this.positions.get(r.topic) ?? 0n)) continue;
      if (r.topic === topics.events) {
        if (this.restoreEvent(r.value) === 'unreadable') this.unreadable.push(`${r.topic}/${r.partition}@${r.offset}`);
      }
      else if (r.topic === topics.writerProgress) this.restoreProgress(r.value);
      else this.restoreIdempotency(r.key, r.value, now);
      this.positions.set(r.topic, offset + 1n);
    }
  }

  /**
   * Applies a recorded event; idempotent by version, so re-reading a range is harmless.
   * 'unreadable': poison in the log (the projections park it); it carries no usable version for us.
   */
  restoreEvent(value: Buffer | null): 'unreadable' | undefined {
    let decoded;
    try {
      decoded = decodeEvent(value);
    } catch {
      return 'unreadable';
    }
    if (decoded.kind === 'unknown') {
      // Written by a newer version of us: we cannot fold it, but its version is taken.
      const entry = this.cart(decoded.cartId);
      if (decoded.version > entry.version) this.carts.set(decoded.cartId, { state: entry.state, version: decoded.version });
      return;
    }
    const event = decoded.event;
    const entry = this.cart(event.cartId);
    if (event.version !== entry.version + 1) return;
    this.carts.set(event.cartId, { state: evolve(entry.state, toDomainEvent(event)), version: event.version });
    this.eventsRestored++;
  }

  restoreProgress(value: Buffer | null): void {
    this.writerProgress = laterProgress(this.writerProgress, decodeWriterProgress(value));
  }

  restoreIdempotency(key: string | null, value: Buffer | null, now: number): void {
    // Where the progress record lived before cart-writer-progress: still read, for older logs.
    if (key === WRITER_PROGRESS_KEY) return this.restoreProgress(value);
    if (value === null) return;
    try {
      const record = JSON.parse(value.toString()) as IdempotencyRecord;
      if (now - Date.parse(record.recordedAt) > this.idempotencyRetentionMs) return;
      this.idempotency.set(`${record.cartId}/${record.key}`, record);
    } catch {
      // an unreadable record only costs its key's deduplication
    }
  }
}
