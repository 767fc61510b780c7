import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@carts/contracts';
import { encodeEvent } from '@carts/contracts';
import type { LogRecord } from '@carts/event-log';
import type { ProjectionDefinition } from '../projection';

export interface Parked {
  /** The raw record, when the failure happened before decoding. */
  readonly record: LogRecord | null;
  readonly event?: EventEnvelope;
  readonly cartId: string | null;
  readonly kind: 'poison' | 'blocked';
  readonly reason: string;
  /** Set when an operator already skipped this very record in an earlier generation. */
  readonly resolution?: 'skipped';
}

/** Parks poison records, and later records of the same cart behind them, in `dead_letters`. */
export class DeadLetterWriter {
  constructor(private readonly projection: ProjectionDefinition, private readonly generation: number) {}

  async parkedCarts(tx: EntityManager, records: readonly LogRecord[]): Promise<Set<string>> {
    const keys = [...new Set(records.map((r) => r.key).filter((k): k is string => k !== null))];
    if (keys.length === 0) return new Set();
    const rows: { cart_id: string }[] = await tx.query(
      `SELECT DISTINCT cart_id FROM dead_letters WHERE projection = $1 AND generation = $2 AND status = 'parked' AND cart_id = ANY($3::text[])`,
      [this.projection.name, this.generation, keys]);
    return new Set(rows.map((r) => r.cart_id));
  }

  /**
   * An operator's `dlq skip` is a decision about a record of the log, not about one generation:
   * a rebuild meeting the same unreadable record again honours it instead of blocking the cart anew.
   */
  async skippedBefore(tx: EntityManager, record: LogRecord): Promise<boolean> {
    const rows = await tx.query(
      `SELECT 1 FROM dead_letters WHERE projection = $1 AND topic = $2 AND partition = $3 AND "offset" = $4 AND resolution = 'skipped' LIMIT 1`,
      [this.projection.name, record.topic, record.partition, record.offset]);
    return rows.length > 0;
  }

  async park(tx: EntityManager, parked: readonly Parked[]): Promise<void> {
    for (const p of parked) {
      const value = p.record ? p.record.value : p.event ? encodeEvent(p.event) : null;
      const resolved = p.resolution === 'skipped';
      await tx.query(
        `INSERT INTO dead_letters (projection, generation, topic, partition, "offset", cart_id, value, reason, kind, status, resolution, resolved_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, CASE WHEN $10 = 'resolved' THEN now() END) ON CONFLICT DO NOTHING`,
        [this.projection.name, this.generation, p.record?.topic ?? '', p.record?.partition ?? -1, p.record?.offset ?? String(p.event?.version ?? 0),
          p.cartId, value, resolved ? `${p.reason} (skipped: an operator skipped this record before)` : p.reason, p.kind,
          resolved ? 'resolved' : 'parked', p.resolution ?? null]);
    }
  }
}
