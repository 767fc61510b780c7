import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { decodeEvent, PoisonRecordError, printable, type EventEnvelope } from '@carts/contracts';
import type { LogRecord, LogSnapshot, ProjectionSink, ResumeOutcome, SinkOutcome } from '@carts/event-log';
import type { ProjectionDefinition } from '../projection';
import { READ_MODEL_CHANNEL } from './generations';
import { DeadLetterWriter, type Parked } from './dead-letter-writer';
import { applyInCartOrder, BLOCKED_REASON, inSavepoint, projectionFailure, unknownTypeReason } from './savepoints';
import { resumeGeneration } from './log-binding';
import { databaseUnavailableReason, isTransientDatabaseError } from './transient-errors';

interface Sorted {
  readonly events: EventEnvelope[];
  /** Where each event came from, so a failing one can be parked with its position. */
  readonly origin: Map<EventEnvelope, LogRecord>;
  readonly unknown: number;
  readonly parked: Parked[];
}

const APPLIED: SinkOutcome = { kind: 'applied' };

/** What a sink reports per committed batch, for metrics the app records (this library has no metrics client). */
export interface SinkObserver {
  /** A batch committed: events applied to the read model, records parked (poison or blocked behind one), wall time of the transaction. */
  batchWritten(partition: number, batch: { readonly applied: number; readonly poison: number; readonly blocked: number; readonly seconds: number }): void;
}

/**
 * Applies a batch of records to one generation of one projection, stores the next offset and
 * notifies waiting queries — all in one PostgreSQL transaction, so the read model and its position
 * can never disagree: after a crash the batch is simply read again and applied once. The stored
 * offset is also a compare-and-set guard, so two consumers of a partition (during a rebalance, or
 * after an operator reset the position) cannot both apply a batch.
 */
export class PostgresProjectionSink implements ProjectionSink {
  private readonly deadLetters: DeadLetterWriter;
  private readonly logger = new Logger('DeadLetters');

  constructor(private readonly ds: DataSource, readonly projection: ProjectionDefinition, readonly generation: number, private readonly observer?: SinkObserver) {
    this.deadLetters = new DeadLetterWriter(projection, generation);
  }

  /** The database is unavailable, or the transaction lost a race: nothing was stored, the consumer applies the batch again. */
  transientReason(error: unknown): string | null {
    if (!isTransientDatabaseError(error)) return null;
    return databaseUnavailableReason(error) ?? `transient database error: ${(error as Error)?.message ?? error}`;
  }

  resume(log: LogSnapshot, partitions: readonly number[]): Promise<ResumeOutcome> {
    return resumeGeneration(this.ds, this.projection.name, this.generation, log, partitions);
  }

  async loadOffsets(topic: string, partitions: readonly number[]): Promise<Map<number, bigint>> {
    const rows: { partition: number; next_offset: string }[] = await this.ds.query(
      `SELECT partition, next_offset FROM projection_offsets WHERE projection = $1 AND generation = $2 AND topic = $3 AND partition = ANY($4::int[])`,
      [this.projection.name, this.generation, topic, partitions]);
    return new Map(rows.map((r) => [r.partition, BigInt(r.next_offset)]));
  }

  async apply(topic: string, partition: number, records: readonly LogRecord[], from: bigint, next: bigint): Promise<SinkOutcome> {
    const parked: Parked[] = [];
    let applied = 0;
    const started = performance.now();
    const outcome = await this.ds.transaction(async (tx) => {
      if (!(await this.isLive(tx))) return { kind: 'retired' } as const;
      const stored = await this.lockPosition(tx, topic, partition);
      if (stored !== from) return { kind: 'moved', nextOffset: stored } as const;
      if (records.length === 0) {
        await this.storeOffset(tx, topic, partition, next, 0, 0, null);
        return APPLIED;
      }
      const sorted = await this.sort(tx, records, await this.deadLetters.parkedCarts(tx, records));
      const failed = await this.applyIsolatingFailures(tx, sorted);
      await this.deadLetters.park(tx, [...sorted.parked, ...failed]);
      await this.storeOffset(tx, topic, partition, next, sorted.events.length - failed.length, sorted.unknown, records[records.length - 1]);
      await tx.query(`SELECT pg_notify($1, $2)`, [READ_MODEL_CHANNEL, this.projection.name]);
      parked.splice(0, parked.length, ...sorted.parked, ...failed);
      applied = sorted.events.length - failed.length;
      return APPLIED;
    });
    this.reportParked(parked);
    if (outcome.kind === 'applied') {
      const fresh = parked.filter((p) => p.resolution !== 'skipped');
      this.observer?.batchWritten(partition, { applied, poison: fresh.filter((p) => p.kind === 'poison').length,
        blocked: fresh.filter((p) => p.kind === 'blocked').length, seconds: (performance.now() - started) / 1000 });
    }
    return outcome;
  }

  /** After the commit (a rolled-back attempt parked nothing): each poison record once, at warn. */
  private reportParked(parked: readonly Parked[]): void {
    for (const p of parked.filter((x) => x.kind === 'poison' && x.resolution !== 'skipped')) {
      const at = p.record ? `${p.record.topic}/${p.record.partition}@${p.record.offset}` : `cart ${p.cartId} version ${p.event?.version}`;
      const behind = parked.filter((x) => x.kind === 'blocked' && x.cartId === p.cartId).length;
      this.logger.warn(`${this.projection.name}@g${this.generation}: parked ${at} (cart ${p.cartId === null ? '-' : printable(p.cartId)}): ${p.reason}; later events of this cart park behind it` +
        `${behind ? ` (${behind} in this batch)` : ''}. After a fix: cartctl dlq retry; if it can never be read: cartctl dlq skip --record ${p.record ? `${p.record.partition}@${p.record.offset}` : '<partition>@<offset>'}`);
    }
  }

  /** FOR SHARE: a swap or a reset (which lock this row FOR UPDATE) waits for in-flight batches, and vice versa. */
  private async isLive(tx: EntityManager): Promise<boolean> {
    const rows: { state: string }[] = await tx.query(
      `SELECT state FROM projection_generations WHERE projection = $1 AND generation = $2 FOR SHARE`, [this.projection.name, this.generation]);
    return rows[0]?.state === 'active' || rows[0]?.state === 'building';
  }

  /** The stored next offset (0 if none yet), row-locked until commit; the insert makes the very first batch safe too. */
  private async lockPosition(tx: EntityManager, topic: string, partition: number): Promise<bigint> {
    const rows: { next_offset: string }[] = await tx.query(
      `INSERT INTO projection_offsets (projection, generation, topic, partition, next_offset) VALUES ($1, $2, $3, $4, 0)
       ON CONFLICT (projection, generation, topic, partition) DO UPDATE SET next_offset = projection_offsets.next_offset
       RETURNING next_offset`, [this.projection.name, this.generation, topic, partition]);
    return BigInt(rows[0].next_offset);
  }

  private async sort(tx: EntityManager, records: readonly LogRecord[], blockedCarts: Set<string>): Promise<Sorted> {
    const events: EventEnvelope[] = [];
    const origin = new Map<EventEnvelope, LogRecord>();
    const parked: Parked[] = [];
    let unknown = 0;
    for (const record of records) {
      try {
        const decoded = decodeEvent(record.value);
        if (decoded.kind === 'unknown') {
          unknown++;
          throw new PoisonRecordError(unknownTypeReason(decoded.type, decoded.version));
        }
        const cartId = decoded.event.cartId;
        if (blockedCarts.has(cartId)) parked.push({ record, cartId, kind: 'blocked', reason: BLOCKED_REASON });
        else if (this.projection.handles.includes(decoded.event.type)) {
          events.push(decoded.event);
          origin.set(decoded.event, record);
        }
      } catch (error) {
        if (!(error instanceof PoisonRecordError)) throw error;
        const skippedBefore = await this.deadLetters.skippedBefore(tx, record);
        parked.push({ record, cartId: record.key, kind: 'poison', reason: error.message, resolution: skippedBefore ? 'skipped' : undefined });
        if (record.key && !skippedBefore) blockedCarts.add(record.key);
      }
    }
    return { events, origin, unknown, parked };
  }

  /**
   * Fast path: the whole batch at once. If the projection throws, find the failing carts with
   * savepoints and park each failing event and that cart's later events; the rest still apply. A
   * failing record an operator skipped before (a forged version, met again by a rebuild) is parked
   * as skipped and its cart goes on, as with an unreadable record in `sort`.
   */
  private async applyIsolatingFailures(tx: EntityManager, { events, origin }: Sorted): Promise<Parked[]> {
    if (events.length === 0) return [];
    if ((await inSavepoint(tx, () => this.projection.applyBatch(tx, this.generation, events))).ok) return [];
    const parked: Parked[] = [];
    const byCart = new Map<string, EventEnvelope[]>();
    for (const e of events) byCart.set(e.cartId, [...(byCart.get(e.cartId) ?? []), e]);
    for (const [cartId, cartEvents] of byCart) {
      let rest = cartEvents;
      while (rest.length > 0) {
        const stopped = await applyInCartOrder(rest, async (e) => {
          const outcome = await inSavepoint(tx, () => this.projection.applyBatch(tx, this.generation, [e]));
          return outcome.ok ? outcome : { ok: false, reason: projectionFailure(outcome.error) };
        });
        if (!stopped) break;
        const failed = rest[stopped.at];
        const record = origin.get(failed) ?? null;
        if (record && (await this.deadLetters.skippedBefore(tx, record))) {
          parked.push({ record, event: failed, cartId, kind: 'poison', reason: stopped.reason, resolution: 'skipped' });
          rest = rest.slice(stopped.at + 1);
          continue;
        }
        parked.push(...rest.slice(stopped.at).map((e, j) => ({ record: origin.get(e) ?? null, event: e, cartId,
          kind: j === 0 ? 'poison' as const : 'blocked' as const, reason: j === 0 ? stopped.reason : BLOCKED_REASON })));
        break;
      }
    }
    return parked;
  }

  private async storeOffset(tx: EntityManager, topic: string, partition: number, next: bigint, applied: number, unknown: number, last: LogRecord | null): Promise<void> {
    await tx.query(
      `UPDATE projection_offsets SET next_offset = $5, events_applied = events_applied + $6, unknown_skipped = unknown_skipped + $7,
         last_event_at = coalesce($8, last_event_at), updated_at = now()
       WHERE projection = $1 AND generation = $2 AND topic = $3 AND partition = $4`,
      [this.projection.name, this.generation, topic, partition, next.toString(), applied, unknown, last ? new Date(Number(last.timestamp)) : null]);
  }
}
