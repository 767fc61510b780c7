import type { LogSink } from './log-sink';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { batchTrace, inSpan, isTracing, SpanAttr, SpanKind } from '@carts/tracing';
import { toLogRecord, type LogRecord } from './partition-reader';
import type { LogAdmin, LogSnapshot } from './log-admin';

export type SinkOutcome =
  | { readonly kind: 'applied' }
  /** The stored position is not where this consumer believed: seek there, apply nothing. */
  | { readonly kind: 'moved'; readonly nextOffset: bigint }
  /** The sink's target (a read-model generation) is no longer live: stop feeding it. */
  | { readonly kind: 'retired' };

export type ResumeOutcome =
  /** Next offset to read per partition, as stored beside the read model (absent: from 0). */
  | { readonly kind: 'resume'; readonly offsets: Map<number, bigint> }
  /** The stored positions belong to another log (or lie beyond this one's end): read nothing. */
  | { readonly kind: 'diverged'; readonly reason: string };

export interface ProjectionSink {
  /** On every assignment: where to resume in `log`, after checking the positions were stored against it. */
  resume(log: LogSnapshot, partitions: readonly number[]): Promise<ResumeOutcome>;
  /**
   * Applies the records and moves the stored position from `from` to `next` in ONE database
   * transaction — only if the stored position is `from` (compare-and-set), so a stale consumer
   * (a rebalance, a reset by an operator) can never apply anything twice. `records` may be empty:
   * the range then held only transaction markers or aborted records.
   */
  apply(topic: string, partition: number, records: readonly LogRecord[], from: bigint, next: bigint): Promise<SinkOutcome>;
  /**
   * Why an error thrown by `resume` or `apply` will pass by itself (the database is down, a
   * statement timed out), or null. The consumer then waits, stays in its group, and applies the
   * same records again, instead of handing the error to kafkajs (which would retry, crash and
   * rejoin the group in a loop for as long as the outage lasts).
   */
  transientReason?(error: unknown): string | null;
}

export interface ProjectionConsumerOptions {
  readonly groupId: string;
  readonly topic: string;
  readonly maxRecordsPerWrite?: number;
  readonly partitionsConsumedConcurrently?: number;
  /** How soon a dead instance's partitions move to another (Kafka session timeout). */
  readonly sessionTimeoutMs?: number;
  /** Seeks, divergence and lost offsets. */
  readonly logger: LogSink;
}

/** What the consumer's owner must know to report health (readiness, status) and restart it. */
export interface ProjectionConsumerListener {
  /** Positions checked against the log on assignment: consuming. */
  consuming?(partitions: readonly number[]): void;
  /** The stored positions do not belong to this log: every partition is paused until an operator acts. */
  diverged?(reason: string): void;
  /** The consumer crashed; `restarting` says whether kafkajs restarts it itself (else it has stopped). */
  crashed?(error: Error, restarting: boolean): void;
  /** The sink's store is unavailable (`transientReason`): nothing is applied, the same records are retried with backoff. */
  waiting?(reason: string): void;
  /** The sink accepts writes again after `waiting`. */
  resumed?(): void;
}

/** Retries while the sink's store is unavailable: 250 ms doubling to 5 s, so a recovery is noticed within 5 s. */
const WAIT_INITIAL_MS = 250;
const WAIT_MAX_MS = 5000;
const WAIT_STEP_MS = 500;

type BatchControl = Pick<EachBatchPayload, 'heartbeat' | 'isRunning' | 'isStale' | 'pause'>;

/**
 * Feeds a projection. The database, not Kafka, holds the authoritative position: on every
 * assignment the consumer has the sink check that the stored offsets belong to this log (else it
 * pauses and reports `diverged`), then seeks to them (offset 0 when none),
 * anything below them is dropped, and every write is a compare-and-set on the stored position.
 * Offsets are also committed to the Kafka group afterwards so standard lag tooling shows progress.
 */
export class ProjectionConsumer {
  private readonly consumer: Consumer;
  private positions: Promise<Map<number, bigint>> = Promise.resolve(new Map());
  private readonly markerWrites = new Map<number, Promise<void>>();
  /** Partitions we sought back to a position after a fetch started past it. */
  private readonly reseeks = new Map<number, bigint>();
  private assigned: number[] = [];
  private diverged = false;
  private stopped = false;
  /** Partitions (-1: the positions read at assignment) waiting for the sink's store, and since when. */
  private readonly waitingFor = new Set<number>();
  /** Since when the sink is unavailable (0: it is not), until a write or a read of positions succeeds. */
  private waitingSince = 0;
  private reloadTimer?: NodeJS.Timeout;

  constructor(kafka: Kafka, private readonly options: ProjectionConsumerOptions, private readonly sink: ProjectionSink,
    private readonly admin: LogAdmin, private readonly listener: ProjectionConsumerListener = {}) {
    const sessionTimeout = options.sessionTimeoutMs ?? 10_000;
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout,
      heartbeatInterval: Math.max(100, Math.min(3000, Math.floor(sessionTimeout / 4))),
      // Under a steady stream, let the broker gather up to 256 KiB or 25 ms per fetch: every batch
      // costs a PostgreSQL transaction per partition, and a handful of events each made that the
      // largest CPU cost of command ingestion (bench: -35% PostgreSQL CPU per command, +15-30%
      // commands/s, ~15 ms more median read-your-writes lag). Rebuilds fill the bytes at once.
      minBytes: 256 * 1024,
      maxWaitTimeInMs: 25,
      // ~2,000 events per partition per fetch: large enough for bulk writes, small enough that a
      // rebuild reading every partition at once stays well inside the projector's memory budget.
      maxBytesPerPartition: 1024 * 1024,
      maxBytes: 6 * 1024 * 1024,
      retry: { retries: 10 },
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.assigned = payload.memberAssignment[options.topic] ?? [];
      this.loadPositions();
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => this.listener.crashed?.(payload.error, payload.restart));
    // A fetch holding only transaction markers (or aborted records) never reaches eachBatch; the
    // stored position must still move past it, or the lag would never reach 0.
    this.consumer.on(this.consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.batchSize === 0 && payload.firstOffset !== null) {
        this.skipMarkers(payload.topic, payload.partition, BigInt(payload.firstOffset), BigInt(payload.lastOffset) + 1n);
      }
    });
  }

  get assignedPartitions(): readonly number[] {
    return this.assigned;
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: true,
      autoCommitInterval: 1000,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 6,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reloadTimer);
    return this.consumer.disconnect();
  }

  /**
   * Reads the stored positions (and seeks there). If the database is unavailable, reads them again
   * later — and so does the next batch — rather than keeping the failure until the next rebalance.
   */
  private loadPositions(): void {
    clearTimeout(this.reloadTimer);
    const positions = this.seekToStored(this.assigned);
    this.positions = positions;
    positions.then(() => this.available(-1), (error) => {
      const reason = this.sink.transientReason?.(error) ?? null;
      if (reason === null) return this.options.logger.error(`cannot load offsets: ${error}`);
      this.unavailable(-1, reason);
      this.reloadTimer = setTimeout(() => this.positions === positions && !this.stopped && this.loadPositions(), WAIT_MAX_MS);
    });
  }

  /** The stored positions; if reading them failed, read them again first. */
  private async storedPositions(): Promise<Map<number, bigint>> {
    try {
      return await this.positions;
    } catch {
      this.loadPositions();
      return this.positions;
    }
  }

  /**
   * Seeks to the stored positions once the sink has checked they belong to this log. If they do
   * not (another cluster, a recreated topic, a database restored from elsewhere), waiting for those
   * offsets could take forever and say nothing: pause instead, and tell the owner why.
   */
  private async seekToStored(partitions: number[]): Promise<Map<number, bigint>> {
    const outcome = await this.sink.resume(await this.admin.snapshot(this.options.topic), partitions);
    if (outcome.kind === 'diverged') {
      this.diverged = true;
      this.consumer.pause([{ topic: this.options.topic }]);
      this.listener.diverged?.(outcome.reason);
      return new Map();
    }
    if (this.diverged) this.consumer.resume([{ topic: this.options.topic }]);
    this.diverged = false;
    const stored = outcome.offsets;
    // No stored offset means "from the start", whatever the Kafka group may have committed earlier.
    for (const partition of partitions) {
      const offset = stored.get(partition) ?? 0n;
      stored.set(partition, offset);
      this.consumer.seek({ topic: this.options.topic, partition, offset: offset.toString() });
    }
    this.listener.consuming?.(partitions);
    return stored;
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, pause }: EachBatchPayload): Promise<void> {
    const control: BatchControl = { heartbeat, isRunning, isStale, pause };
    const positions = await this.storedPositions();
    if (this.diverged) {
      pause();
      return;
    }
    await this.markerWrites.get(batch.partition);
    const max = this.options.maxRecordsPerWrite ?? 5000;
    let from = positions.get(batch.partition) ?? 0n;
    // firstOffset() counts transaction markers too: on a log that is never compacted, a fetch made
    // from our position starts exactly there. Later means records we have not seen.
    const first = batch.firstOffset();
    if (first !== null && BigInt(first) > from) return this.onGap(batch.partition, from, BigInt(first), pause);
    const fresh = batch.messages.filter((m) => BigInt(m.offset) >= from);
    // Past the batch's last offset, trailing transaction markers included.
    const batchEnd = BigInt(batch.lastOffset()) + 1n;
    for (let i = 0; i < fresh.length && isRunning() && !isStale(); i += max) {
      const slice = fresh.slice(i, i + max);
      const next = i + max >= fresh.length ? batchEnd : BigInt(slice[slice.length - 1].offset) + 1n;
      const records = slice.map((m) => toLogRecord(batch.topic, batch.partition, m));
      if (!(await this.write(batch.partition, records, from, next, control))) return;
      from = next;
      resolveOffset(slice[slice.length - 1].offset);
      await heartbeat();
    }
    if (fresh.length === 0 && batchEnd > from && isRunning() && !isStale()) {
      if (await this.write(batch.partition, [], from, batchEnd, control)) resolveOffset(batch.lastOffset());
    } else if (fresh.length === 0 && batch.messages.length > 0) {
      resolveOffset(batch.lastOffset());
    }
  }

  /** One compare-and-set write; false when the consumer must stop processing this batch. */
  private async write(partition: number, records: LogRecord[], from: bigint, next: bigint, control: BatchControl): Promise<boolean> {
    const topic = this.options.topic;
    let outcome: SinkOutcome | null;
    try {
      outcome = await this.applyPatiently(partition, records, from, next, control);
    } catch (error) {
      // Nothing was stored: read the same records again (kafkajs retries the batch, then restarts).
      this.consumer.seek({ topic, partition, offset: from.toString() });
      throw error;
    }
    // Stopping, or sought elsewhere while waiting: leave this batch unresolved.
    if (outcome === null) return false;
    const positions = await this.positions;
    if (outcome.kind === 'applied') {
      positions.set(partition, next);
      this.reseeks.delete(partition);
      return true;
    }
    if (outcome.kind === 'moved') {
      this.options.logger.warn(`${this.options.groupId} p${partition}: stored position is ${outcome.nextOffset}, not ${from}; seeking there`);
      positions.set(partition, outcome.nextOffset);
      this.consumer.seek({ topic, partition, offset: outcome.nextOffset.toString() });
    } else {
      control.pause();
    }
    return false;
  }

  /**
   * One batch write as one span (`process <topic>`), when tracing and the batch holds records: a
   * child of the first event's command span, linked to every event's, with the sink's work (its
   * PostgreSQL transaction) inside it.
   */
  private applyTraced(topic: string, partition: number, records: LogRecord[], from: bigint, next: bigint): Promise<SinkOutcome> {
    if (!isTracing() || records.length === 0) return this.sink.apply(topic, partition, records, from, next);
    const { parent, links } = batchTrace(records.map((r) => r.headers));
    return inSpan(`process ${topic}`, { kind: SpanKind.CONSUMER, parent, links, attributes: {
      [SpanAttr.messagingSystem]: 'kafka', [SpanAttr.operation]: 'process', [SpanAttr.destination]: topic, [SpanAttr.partition]: String(partition),
      [SpanAttr.consumerGroup]: this.options.groupId, [SpanAttr.offset]: records[0].offset, [SpanAttr.batchSize]: records.length,
    } }, async (span) => {
      const outcome = await this.sink.apply(topic, partition, records, from, next);
      span.setAttribute('carts.sink.outcome', outcome.kind);
      return outcome;
    });
  }

  /**
   * `sink.apply`, waited out while the sink says its store is unavailable: the same records, the
   * same compare-and-set, after 250 ms, 500 ms … 5 s, heartbeating meanwhile so the group keeps
   * the partition here. Null when the consumer stops or the partition was sought elsewhere.
   */
  private async applyPatiently(partition: number, records: LogRecord[], from: bigint, next: bigint, control: BatchControl): Promise<SinkOutcome | null> {
    for (let attempt = 0; ; attempt++) {
      try {
        const outcome = await this.applyTraced(this.options.topic, partition, records, from, next);
        this.available(partition);
        return outcome;
      } catch (error) {
        const reason = this.sink.transientReason?.(error) ?? null;
        if (reason === null) throw error;
        this.unavailable(partition, reason);
        if (await this.backOff(attempt, control)) continue;
        this.waitingFor.delete(partition);
        return null;
      }
    }
  }

  private async backOff(attempt: number, { heartbeat, isRunning, isStale }: BatchControl): Promise<boolean> {
    const until = Date.now() + Math.min(WAIT_MAX_MS, WAIT_INITIAL_MS * 2 ** attempt);
    for (let left = until - Date.now(); left > 0; left = until - Date.now()) {
      if (!isRunning() || isStale()) return false;
      await heartbeat();
      await new Promise((resolve) => setTimeout(resolve, Math.min(WAIT_STEP_MS, left)));
    }
    return isRunning() && !isStale();
  }

  private unavailable(partition: number, reason: string): void {
    if (this.waitingSince === 0) {
      this.waitingSince = Date.now();
      this.options.logger.warn(`${this.options.groupId}: ${reason}; waiting for it (nothing applied or skipped, retried every ${WAIT_MAX_MS / 1000} s at most)`);
      this.listener.waiting?.(reason);
    }
    this.waitingFor.add(partition);
  }

  /** A write or a read of positions succeeded: once no partition is still waiting, the sink is back. */
  private available(partition: number): void {
    this.waitingFor.delete(partition);
    if (this.waitingSince === 0 || this.waitingFor.size > 0) return;
    this.options.logger.warn(`${this.options.groupId}: the database is back after ${Math.round((Date.now() - this.waitingSince) / 1000)} s; applying again`);
    this.waitingSince = 0;
    this.listener.resumed?.();
  }

  /**
   * A fetch that started past our position (e.g. from the group's Kafka offset, before our seek to
   * the stored one landed): go back. If the log itself no longer holds that offset (retention
   * deleted it), stop this partition loudly rather than skip events.
   */
  private onGap(partition: number, from: bigint, first: bigint, pause: () => void): void {
    if (this.reseeks.get(partition) === from) {
      const reason = `partition ${partition} needs offset ${from} but the log continues at ${first}: records are missing (deleted by retention?); partition paused, rebuild from a complete log`;
      this.options.logger.error(`${this.options.groupId} ${reason}`);
      pause();
      // Not a silent stall either: the owner reports it (readiness, status) like a log of another identity.
      this.listener.diverged?.(reason);
      return;
    }
    this.reseeks.set(partition, from);
    this.consumer.seek({ topic: this.options.topic, partition, offset: from.toString() });
  }

  private skipMarkers(topic: string, partition: number, first: bigint, next: bigint): void {
    const previous = this.markerWrites.get(partition) ?? Promise.resolve();
    const write = previous.then(async () => {
      const positions = await this.positions;
      const from = positions.get(partition);
      if (from === undefined || next <= from || first > from) return;
      const outcome = await this.sink.apply(topic, partition, [], from, next);
      if (outcome.kind === 'applied' && positions.get(partition) === from) positions.set(partition, next);
    }).catch((error) => this.options.logger.warn(`${this.options.groupId} p${partition}: could not move past transaction markers: ${error}`));
    this.markerWrites.set(partition, write);
  }
}
