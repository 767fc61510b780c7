import { evolve, initialState, type CartState } from '@carts/domain';
import { decodeEvent, toDomainEvent, type IdempotencyRecord } from '@carts/contracts';
import { WRITER_PROGRESS_KEY, decodeWriterProgress, laterProgress } from '@carts/event-log';

export interface CartEntry {
  readonly state: CartState;
  /** The cart's version: its number of events. */
  readonly version: number;
}

export const NEW_CART: CartEntry = { state: initialState, version: 0 };

/**
 * The write-side state of one partition, rebuilt from `cart-events`, `cart-idempotency` and
 * `cart-writer-progress` on assignment. Only the partition's owner mutates it, and only after a
 * transaction committed.
 */
export class PartitionState {
  readonly carts = new Map<string, CartEntry>();
  readonly idempotency = new Map<string, IdempotencyRecord>();
  eventsRestored = 0;
  /** The command processor's progress (next command offset): the latest of its records (see writer-progress.ts). */
  writerProgress: bigint | null = null;

  constructor(private readonly idempotencyRetentionMs: number) {}

  cart(cartId: string): CartEntry {
    return this.carts.get(cartId) ?? NEW_CART;
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
