import { evolve, initialState, type CartState } from '@carts/domain';
import { decodeEvent, printable, toDomainEvent, type IdempotencyRecord, type TopicNames } from '@carts/contracts';
import { WRITER_PROGRESS_KEY, decodeWriterProgress, laterProgress, type LogRecord } from '@carts/event-log';

export interface CartEntry {
  readonly state: CartState;
  /** The cart's version: its number of events. */
  readonly version: number;
}

export const NEW_CART: CartEntry = { state: initialState, version: 0 };

export type StateTopics = Pick<TopicNames, 'events' | 'writerProgress'>;

/** Why a restore did not fold an event record (the `reason` label of writer_restore_skipped_events_total). */
export type SkipReason = 'unreadable' | 'unknown_type' | 'not_next_version';

export interface SkippedEvent {
  /** `topic/partition@offset` */
  readonly at: string;
  readonly reason: SkipReason;
  readonly detail: string;
}

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
  /** Event records not folded since the owner last reported them (see `restoreEvent`). */
  readonly skipped: SkippedEvent[] = [];

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
        const skipped = this.restoreEvent(r.value);
        if (skipped) this.skipped.push({ at: `${r.topic}/${r.partition}@${r.offset}`, ...skipped });
      }
      else if (r.topic === topics.writerProgress) this.restoreProgress(r.value);
      else this.restoreIdempotency(r.key, r.value, now);
      this.positions.set(r.topic, offset + 1n);
    }
  }

  /**
   * Folds a recorded event only if it continues its cart: the next version (stored + 1), a known
   * type, a valid payload. Anything else takes no version here, so a hostile or broken record
   * can never move a cart's version, and the next command still gets stored + 1. Returns why a
   * record was not folded, for the owner to report; an event at or below the cart's version is a
   * re-read (a standby tailing its owner's own commits) and is ignored without a word.
   * The price: an event type this writer does not know takes no version either — so a new type
   * is rolled out readers first (docs/events.md, "Adding an event type").
   */
  restoreEvent(value: Buffer | null): Omit<SkippedEvent, 'at'> | undefined {
    let decoded;
    try {
      decoded = decodeEvent(value);
    } catch (error) {
      return { reason: 'unreadable', detail: (error as Error).message };
    }
    if (decoded.kind === 'unknown') {
      const at = this.cart(decoded.cartId).version;
      return { reason: 'unknown_type', detail: `type ${printable(decoded.type)} claiming version ${decoded.version} of cart ${printable(decoded.cartId)}, which is at ${at}` };
    }
    const event = decoded.event;
    const entry = this.cart(event.cartId);
    if (event.version <= entry.version) return undefined;
    if (event.version !== entry.version + 1) {
      return { reason: 'not_next_version', detail: `${event.type} claiming version ${event.version} of cart ${printable(event.cartId)}, which is at ${entry.version}` };
    }
    this.carts.set(event.cartId, { state: evolve(entry.state, toDomainEvent(event)), version: event.version });
    this.eventsRestored++;
    return undefined;
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
