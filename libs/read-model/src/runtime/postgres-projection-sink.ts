import type { DataSource, EntityManager } from 'typeorm';
import { decodeEvent, PoisonRecordError, type EventEnvelope } from '@carts/contracts';
import type { LogRecord, ProjectionSink } from '@carts/event-log';
import type { ProjectionDefinition } from '../projection';
import { READ_MODEL_CHANNEL } from './generations';
import { DeadLetterWriter, type Parked } from './dead-letter-writer';

/** The generation this sink writes was retired (swapped out): its consumer must stop. */
export class GenerationRetiredError extends Error {}

interface Sorted {
  readonly events: EventEnvelope[];
  /** Where each event came from, so a failing one can be parked with its position. */
  readonly origin: Map<EventEnvelope, LogRecord>;
  readonly unknown: number;
  readonly parked: Parked[];
}

/**
 * Applies a batch of records to one generation of one projection, stores the next offset and
 * notifies waiting queries — all in one PostgreSQL transaction, so the read model and its position
 * can never disagree: after a crash the batch is simply read again and applied once.
 */
export class PostgresProjectionSink implements ProjectionSink {
  private readonly deadLetters: DeadLetterWriter;

  constructor(private readonly ds: DataSource, readonly projection: ProjectionDefinition, readonly generation: number) {
    this.deadLetters = new DeadLetterWriter(projection, generation);
  }

  async loadOffsets(topic: string, partitions: readonly number[]): Promise<Map<number, bigint>> {
    const rows: { partition: number; next_offset: string }[] = await this.ds.query(
      `SELECT partition, next_offset FROM projection_offsets WHERE projection = $1 AND generation = $2 AND topic = $3 AND partition = ANY($4::int[])`,
      [this.projection.name, this.generation, topic, partitions]);
    return new Map(rows.map((r) => [r.partition, BigInt(r.next_offset)]));
  }

  async apply(topic: string, partition: number, records: readonly LogRecord[], nextOffset: bigint): Promise<void> {
    await this.ds.transaction(async (tx) => {
      await this.assertLive(tx);
      const blockedCarts = await this.deadLetters.parkedCarts(tx, records);
      const sorted = this.sort(records, blockedCarts);
      const failed = await this.applyIsolatingFailures(tx, sorted);
      await this.deadLetters.park(tx, [...sorted.parked, ...failed]);
      await this.storeOffset(tx, topic, partition, nextOffset, sorted.events.length, sorted.unknown, records);
      await tx.query(`SELECT pg_notify($1, $2)`, [READ_MODEL_CHANNEL, this.projection.name]);
    });
  }

  private async assertLive(tx: EntityManager): Promise<void> {
    // FOR SHARE: a swap (which updates this row) waits for in-flight batches, and vice versa.
    const rows: { state: string }[] = await tx.query(
      `SELECT state FROM projection_generations WHERE projection = $1 AND generation = $2 FOR SHARE`, [this.projection.name, this.generation]);
    if (rows[0]?.state !== 'active' && rows[0]?.state !== 'building') {
      throw new GenerationRetiredError(`${this.projection.name} generation ${this.generation} is ${rows[0]?.state ?? 'gone'}`);
    }
  }

  private sort(records: readonly LogRecord[], blockedCarts: Set<string>): Sorted {
    const events: EventEnvelope[] = [];
    const origin = new Map<EventEnvelope, LogRecord>();
    const parked: Parked[] = [];
    let unknown = 0;
    for (const record of records) {
      try {
        const decoded = decodeEvent(record.value);
        if (decoded.kind === 'unknown') { unknown++; continue; }
        const cartId = decoded.event.cartId;
        if (blockedCarts.has(cartId)) parked.push({ record, cartId, kind: 'blocked', reason: 'an earlier event of this cart is parked' });
        else if (this.projection.handles.includes(decoded.event.type)) {
          events.push(decoded.event);
          origin.set(decoded.event, record);
        }
      } catch (error) {
        if (!(error instanceof PoisonRecordError)) throw error;
        const cartId = record.key;
        parked.push({ record, cartId, kind: 'poison', reason: error.message });
        if (cartId) blockedCarts.add(cartId);
      }
    }
    return { events, origin, unknown, parked };
  }

  /**
   * Fast path: the whole batch at once. If the projection throws, find the failing carts with
   * savepoints and park each failing event and that cart's later events; the rest still apply.
   */
  private async applyIsolatingFailures(tx: EntityManager, { events, origin }: Sorted): Promise<Parked[]> {
    if (events.length === 0) return [];
    if (await this.trySavepoint(tx, 'batch', () => this.projection.applyBatch(tx, this.generation, events))) return [];
    const parked: Parked[] = [];
    const byCart = new Map<string, EventEnvelope[]>();
    for (const e of events) byCart.set(e.cartId, [...(byCart.get(e.cartId) ?? []), e]);
    for (const [cartId, cartEvents] of byCart) {
      for (let i = 0; i < cartEvents.length; i++) {
        let failure: Error | undefined;
        const ok = await this.trySavepoint(tx, 'one', () => this.projection.applyBatch(tx, this.generation, [cartEvents[i]]), (e) => (failure = e));
        if (ok) continue;
        parked.push(...cartEvents.slice(i).map((e, j) => ({ record: origin.get(e) ?? null, event: e, cartId, kind: j === 0 ? 'poison' as const : 'blocked' as const,
          reason: j === 0 ? `projection error: ${failure?.message}` : 'an earlier event of this cart is parked' })));
        break;
      }
    }
    return parked;
  }

  private async trySavepoint(tx: EntityManager, name: string, work: () => Promise<void>, onError?: (e: Error) => void): Promise<boolean> {
    await tx.query(`SAVEPOINT ${name}`);
    try {
      await work();
      await tx.query(`RELEASE SAVEPOINT ${name}`);
      return true;
    } catch (error) {
      await tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
      onError?.(error as Error);
      return false;
    }
  }

  private async storeOffset(tx: EntityManager, topic: string, partition: number, next: bigint, applied: number, unknown: number, records: readonly LogRecord[]): Promise<void> {
    const lastAt = new Date(Number(records[records.length - 1].timestamp));
    await tx.query(
      `INSERT INTO projection_offsets (projection, generation, topic, partition, next_offset, events_applied, unknown_skipped, last_event_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
       ON CONFLICT (projection, generation, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset,
         events_applied = projection_offsets.events_applied + EXCLUDED.events_applied,
         unknown_skipped = projection_offsets.unknown_skipped + EXCLUDED.unknown_skipped,
         last_event_at = EXCLUDED.last_event_at, updated_at = now()`,
      [this.projection.name, this.generation, topic, partition, next.toString(), applied, unknown, lastAt]);
  }
}
