import { Logger } from '@nestjs/common';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { toLogRecord, type LogRecord } from './partition-reader';

export interface ProjectionSink {
  /** Next offset to read per partition, as stored beside the read model (absent: from 0). */
  loadOffsets(topic: string, partitions: readonly number[]): Promise<Map<number, bigint>>;
  /** Applies the records and stores `nextOffset` in ONE database transaction. */
  apply(topic: string, partition: number, records: readonly LogRecord[], nextOffset: bigint): Promise<void>;
}

export interface ProjectionConsumerOptions {
  readonly groupId: string;
  readonly topic: string;
  readonly maxRecordsPerWrite?: number;
  readonly partitionsConsumedConcurrently?: number;
}

/**
 * Feeds a projection. The database, not Kafka, holds the authoritative position: on every
 * assignment the consumer seeks to the offsets stored with the read model, and anything below them
 * is dropped, so a redelivery (kafkajs #1046) is never applied twice. Offsets are also committed
 * to the Kafka group afterwards so standard lag tooling shows progress.
 */
export class ProjectionConsumer {
  private readonly logger = new Logger(ProjectionConsumer.name);
  private readonly consumer: Consumer;
  private positions: Promise<Map<number, bigint>> = Promise.resolve(new Map());
  private assigned: number[] = [];

  constructor(kafka: Kafka, private readonly options: ProjectionConsumerOptions, private readonly sink: ProjectionSink) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: 15_000,
      maxWaitTimeInMs: 100,
      maxBytesPerPartition: 2 * 1024 * 1024,
      retry: { retries: 10 },
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.assigned = payload.memberAssignment[options.topic] ?? [];
      this.positions = this.seekToStored(this.assigned);
      this.positions.catch((error) => this.logger.error(`cannot load offsets: ${error}`));
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
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }

  private async seekToStored(partitions: number[]): Promise<Map<number, bigint>> {
    const stored = await this.sink.loadOffsets(this.options.topic, partitions);
    for (const [partition, offset] of stored) this.consumer.seek({ topic: this.options.topic, partition, offset: offset.toString() });
    return stored;
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const positions = await this.positions;
    const max = this.options.maxRecordsPerWrite ?? 5000;
    const from = positions.get(batch.partition) ?? 0n;
    const fresh = batch.messages.filter((m) => BigInt(m.offset) >= from);
    for (let i = 0; i < fresh.length && isRunning() && !isStale(); i += max) {
      const slice = fresh.slice(i, i + max);
      const last = slice[slice.length - 1].offset;
      const next = BigInt(last) + 1n;
      await this.sink.apply(batch.topic, batch.partition, slice.map((m) => toLogRecord(batch.topic, batch.partition, m)), next);
      positions.set(batch.partition, next);
      resolveOffset(last);
      await heartbeat();
    }
    if (fresh.length === 0 && batch.messages.length > 0) resolveOffset(batch.lastOffset());
  }
}
