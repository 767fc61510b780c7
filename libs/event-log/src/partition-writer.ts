import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { batchTrace, inSpan, isTracing, SpanAttr, SpanKind } from '@carts/tracing';
import type { LogSink } from './log-sink';
import { toLogRecord, type LogRecord } from './partition-reader';
import { appendInTransaction, type OutboundRecord } from './transactional-append';
import { WRITER_PROGRESS_KEY, encodeWriterProgress } from './writer-progress';

/** What the handler decided for a slice of input: the records to append, and what to do once they are. */
export interface WriterStep {
  readonly records: readonly OutboundRecord[];
  /** Called only once the Kafka transaction holding `records` has committed. */
  readonly committed: () => void;
  /** Called instead when the transaction failed (aborted, fenced): nothing of `records` is visible. */
  readonly failed?: (error: Error) => void;
}

export interface RestoredPartition {
  /** The last progress record found in the progress topic's partition (see writer-progress.ts), if any. */
  readonly nextInputOffset: bigint | null;
}

export interface PartitionWriterHandler {
  /**
   * The partition's producer has fenced every earlier owner and no transaction of theirs is
   * pending: restore its state now, including the last WRITER_PROGRESS_KEY record of the
   * progress topic's partition. `heartbeat` is the group member's: call it throughout a long
   * restore, and let its error (a rebalance) end the restore, so the member rejoins at once.
   */
  restore(partition: number, heartbeat: () => Promise<void>): Promise<RestoredPartition>;
  release(partition: number): void;
  handle(partition: number, records: readonly LogRecord[]): WriterStep;
}

/**
 * What a failed batch is rethrown as. kafkajs stops a consumer for good when eachBatch throws a
 * non-retriable error (a fenced producer's INVALID_PRODUCER_EPOCH is one), which would leave this
 * instance out of the group forever; losing one partition is recoverable: re-fetch and re-acquire.
 */
export class PartitionBatchError extends Error {
  readonly retriable = true;
  constructor(readonly partition: number, override readonly cause: Error) {
    super(`partition ${partition}: ${cause.message}`);
    this.name = 'PartitionBatchError';
  }
}

/**
 * A transaction that starts right after the previous commit meets CONCURRENT_TRANSACTIONS (the
 * coordinator is still writing the markers, a few ms): kafkajs' default 100 ms first backoff
 * capped each partition at ~10 transactions/s. Retry fast instead, and give up after ~3 s so a
 * batch never hangs on a dead broker (the partition is released and re-acquired).
 */
const TRANSACTION_RETRY = { retries: 12, initialRetryTime: 5, factor: 0.2, multiplier: 1.6, maxRetryTime: 1000 };

/** Group errors kafkajs handles itself (by rejoining) when they leave eachBatch untouched. */
const GROUP_ERRORS = new Set(['REBALANCE_IN_PROGRESS', 'NOT_COORDINATOR_FOR_GROUP', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']);

/**
 * What the writer reports for metrics, without this library knowing the metrics client: the app
 * records them (apps/command-service/src/infrastructure/command-metrics.ts).
 */
export interface WriterObserver {
  /** A transaction committed: from handing the slice to the handler to the commit's ack. */
  transactionCommitted(partition: number, seconds: number, commands: number): void;
  /** A transaction failed and was aborted; `fenced` when a newer owner's epoch fenced this producer. */
  transactionAborted(partition: number, fenced: boolean): void;
  /** This writer fenced the partition's previous owner (taking it over). */
  fenced(partition: number): void;
}

/** Broker errors that mean another producer with our transactionalId has a newer epoch. */
const FENCED_ERRORS = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED']);

export interface PartitionWriterOptions {
  readonly groupId: string;
  readonly inputTopic: string;
  readonly transactionalIdPrefix: string;
  /**
   * Topic partitioned like the input that receives a progress record per transaction: compacted
   * only, as retention would delete an idle partition's record (see writer-progress.ts).
   */
  readonly progressTopic: string;
  readonly maxBatch: number;
  readonly sessionTimeoutMs?: number;
  /** Ownership changes and failed transactions. */
  readonly logger: LogSink;
  readonly observer?: WriterObserver;
}

/**
 * One writer per partition, the way Kafka Streams does it: the group owns the input partitions,
 * and each owned partition has its own transactional producer (`<prefix>-<partition>`). The
 * handler's records and the writer's progress (next input offset) are appended in one transaction,
 * so a stale owner that wakes up after a rebalance is fenced by the broker and nothing is applied
 * twice.
 * The consumer group's offsets are committed too, outside transactions, about once a second:
 * a starting point and what lag tools show, never what decides which commands are done.
 */
export class PartitionWriter {
  private readonly consumer: Consumer;
  private readonly admin: Admin;
  private readonly producers = new Map<number, Producer>();
  /** Per owned partition: the next input offset the previous owner left when we fenced it; anything below is done. */
  private readonly floors = new Map<number, bigint>();
  private readonly hintedAt = new Map<number, number>();
  private assigned: number[] = [];

  constructor(private readonly kafka: Kafka, private readonly options: PartitionWriterOptions, private readonly handler: PartitionWriterHandler) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: Math.min(3000, Math.floor((options.sessionTimeoutMs ?? 10_000) / 3)),
      maxWaitTimeInMs: 100,
      retry: { retries: 10 },
    });
    this.admin = kafka.admin();
    // Ownership may have changed hands while we were away: re-acquire every partition after a join.
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.assigned = payload.memberAssignment[options.inputTopic] ?? [];
      for (const partition of [...this.producers.keys()]) void this.releasePartition(partition);
      this.options.logger.log(`owns ${options.inputTopic} partitions [${this.assigned.join(', ')}]`);
    });
  }

  get ownedPartitions(): readonly number[] {
    return this.assigned;
  }

  async start(): Promise<void> {
    await this.admin.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.inputTopic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 16,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await Promise.all([...this.producers.keys()].map((p) => this.releasePartition(p)));
    await this.admin.disconnect();
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    try {
      await this.processBatch(payload);
    } catch (error) {
      const e = error as Error & { type?: string };
      if (e.type && GROUP_ERRORS.has(e.type)) throw error;
      throw new PartitionBatchError(payload.batch.partition, e);
    }
  }

  private async processBatch({ batch, heartbeat, resolveOffset, isRunning, isStale, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> {
    const partition = batch.partition;
    const producer = await this.takeOver(partition, heartbeat);
    // The group may hand us commands another owner already processed (see takeOver): skip them.
    const floor = this.floors.get(partition) ?? 0n;
    const messages = batch.messages.filter((m) => BigInt(m.offset) >= floor);
    if (messages.length === 0 && batch.messages.length > 0) resolveOffset(batch.messages[batch.messages.length - 1].offset);
    for (let i = 0; i < messages.length && isRunning() && !isStale(); i += this.options.maxBatch) {
      const slice = messages.slice(i, i + this.options.maxBatch);
      const last = slice[slice.length - 1].offset;
      const step = await this.process(producer, partition, batch.topic, slice, last);
      step.committed();
      resolveOffset(last);
      await heartbeat();
      await this.commitGroupOffset(partition, BigInt(last) + 1n, commitOffsetsIfNecessary);
    }
  }

  /** The group offset, outside the transaction and at most once a second per partition. */
  private async commitGroupOffset(partition: number, next: bigint, commit: EachBatchPayload['commitOffsetsIfNecessary']): Promise<void> {
    if (Date.now() - (this.hintedAt.get(partition) ?? 0) < 1000) return;
    this.hintedAt.set(partition, Date.now());
    await commit({ topics: [{ topic: this.options.inputTopic, partitions: [{ partition, offset: next.toString() }] }] }).catch((error: Error & { type?: string }) => {
      if (error.type && GROUP_ERRORS.has(error.type)) throw error;
    });
  }

  private async process(producer: Producer, partition: number, topic: string, slice: KafkaMessage[], last: string): Promise<WriterStep> {
    const started = performance.now();
    let step: WriterStep | undefined;
    try {
      step = this.handler.handle(partition, slice.map((m) => toLogRecord(topic, partition, m)));
      await this.appendTraced(producer, step.records, partition, last, slice.length);
      this.options.observer?.transactionCommitted(partition, (performance.now() - started) / 1000, slice.length);
      return step;
    } catch (error) {
      step?.failed?.(error as Error);
      // Fenced, or the broker went away mid-transaction: this copy of the partition's state can
      // no longer be trusted. Drop it; the next batch re-acquires (and fences) from scratch.
      const e = error as Error & { type?: string };
      this.options.observer?.transactionAborted(partition, FENCED_ERRORS.has(e.type ?? '') || e.name === 'KafkaJSProducerFenced');
      this.options.logger.warn(`partition ${partition}: transaction failed (${e.type ?? e.name}: ${e.message}); released, it will be re-acquired`);
      await this.releasePartition(partition);
      throw error;
    }
  }

  /**
   * The transaction as one span (`append`), when tracing: a child of the first command's span
   * (its trace context is in the records the handler made), linked to every command's, so each
   * command's trace shows the transaction that made it durable (docs/observability.md, Traces).
   */
  private appendTraced(producer: Producer, records: readonly OutboundRecord[], partition: number, lastOffset: string, commands: number): Promise<void> {
    if (!isTracing()) return this.append(producer, records, partition, lastOffset);
    const { parent, links } = batchTrace(records.map((r) => r.headers));
    return inSpan('append', { kind: SpanKind.PRODUCER, parent, links, attributes: {
      [SpanAttr.messagingSystem]: 'kafka', [SpanAttr.partition]: String(partition), [SpanAttr.batchSize]: records.length + 1, 'carts.transaction.commands': commands,
    } }, () => this.append(producer, records, partition, lastOffset));
  }

  /** The step's records and the writer's progress (next input offset), appended in one transaction. */
  private async append(producer: Producer, records: readonly OutboundRecord[], partition: number, lastOffset: string): Promise<void> {
    const progress: OutboundRecord = { topic: this.options.progressTopic, partition, key: WRITER_PROGRESS_KEY, value: encodeWriterProgress(BigInt(lastOffset) + 1n) };
    await appendInTransaction(producer, [...records, progress]);
  }

  /**
   * Takes over a partition, in an order that makes a stale owner harmless:
   * 1. fence: InitProducerId for the partition's transactionalId bumps the epoch, aborts the old
   *    owner's open transaction and waits for one that is already committing. kafkajs only sends
   *    it on the first `transaction()` (connect() asks for a plain idempotent id), hence the
   *    empty transaction, which sends nothing else;
   * 2. restore the partition's state from the log, which nobody else can extend any more, and
   *    with it the progress record: where the previous owner stopped. The consumer group's offset
   *    may be older (it is committed about once a second, and kafkajs has no KIP-447 to wait for
   *    pending ones); it is only the fallback when there is no progress record yet.
   */
  private async takeOver(partition: number, heartbeat: () => Promise<void>): Promise<Producer> {
    const existing = this.producers.get(partition);
    if (existing) return existing;
    await heartbeat(); // a member that missed a rebalance learns it here, before fencing the new owner
    const producer = this.kafka.producer({
      transactionalId: `${this.options.transactionalIdPrefix}-${partition}`,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 30_000,
      retry: TRANSACTION_RETRY,
    });
    try {
      await producer.connect();
      await (await producer.transaction()).abort();
      this.options.observer?.fenced(partition);
      const restored = await this.handler.restore(partition, heartbeat);
      this.floors.set(partition, restored.nextInputOffset ?? (await this.committedOffset(partition)));
    } catch (error) {
      this.handler.release(partition);
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    this.producers.set(partition, producer);
    return producer;
  }

  private async committedOffset(partition: number): Promise<bigint> {
    const [topic] = await this.admin.fetchOffsets({ groupId: this.options.groupId, topics: [this.options.inputTopic] });
    const offset = topic?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
    return BigInt(offset) < 0n ? 0n : BigInt(offset);
  }

  private async releasePartition(partition: number): Promise<void> {
    const producer = this.producers.get(partition);
    this.producers.delete(partition);
    this.floors.delete(partition);
    this.hintedAt.delete(partition);
    this.handler.release(partition);
    await producer?.disconnect().catch(() => undefined);
  }
}
