import type { TopicNames } from '@carts/contracts';
import { readPartitionsToEnd, type Kafka, type LogRecord, type ReadOptions, type ReadSpec } from '@carts/event-log';
import { applyRecords, newReplica, type Replica } from './replica';

/** Where a partition's write-side state comes from when this instance takes the partition over. */
export interface PartitionStateLoader {
  load(partition: number, heartbeat: () => Promise<void>): Promise<LoadedReplica>;
  /** The owner let the partition go: its replica (correct up to what it committed) may serve as a standby. */
  release(partition: number, replica: Replica): void;
}

export interface LoadedReplica {
  readonly replica: Replica;
  /** Records read from the log to bring it to the end: all of them without a standby. */
  readonly recordsRead: number;
  readonly fromStandby: boolean;
}

/** Warm copies of partitions this instance does not own (see StandbyTailer). */
export interface StandbySource {
  /** Hands the partition's standby over (it is no longer updated in the background), if there is one. */
  take(partition: number): Replica | undefined;
  giveBack(partition: number, replica: Replica): void;
}

export type ReadToEnd = (specs: readonly ReadSpec[], onBatch: (records: LogRecord[]) => Promise<void>, options: ReadOptions) => Promise<void>;

/**
 * Brings a partition's state to the end `cart-events`, `cart-idempotency` and
 * `cart-writer-progress` partition p have once the partition is fenced (nobody else can extend
 * them), read committed: from the standby's positions when there is a standby, else from offset 0.
 * The progress topic holds the writer's progress record (next command offset); an older one may
 * still be in `cart-idempotency` (see writer-progress.ts).
 */
export class KafkaPartitionStateLoader implements PartitionStateLoader {
  private readonly readToEnd: ReadToEnd;

  constructor(
    kafka: Kafka | ReadToEnd,
    private readonly topics: TopicNames,
    private readonly idempotencyRetentionMs: number,
    private readonly now: () => number,
    private readonly standby?: StandbySource,
  ) {
    this.readToEnd = typeof kafka === 'function' ? kafka : (specs, onBatch, options) => readPartitionsToEnd(kafka, specs, onBatch, options);
  }

  async load(partition: number, heartbeat: () => Promise<void>): Promise<LoadedReplica> {
    const standby = this.standby?.take(partition);
    const replica = standby ?? newReplica(this.idempotencyRetentionMs);
    let recordsRead = 0;
    const now = this.now();
    const specs = [this.topics.events, this.topics.idempotency, this.topics.writerProgress].map((topic) =>
      ({ topic, partition, fromOffset: (replica.positions.get(topic) ?? 0n).toString() }));
    try {
      // The writer group's heartbeat keeps this member alive through a long restore, and its
      // rebalance signal ends the restore (and the batch) so the member rejoins at once.
      await this.readToEnd(specs, async (records) => {
        recordsRead += records.length;
        applyRecords(replica, records, this.topics, now);
      }, { keepAlive: heartbeat });
    } catch (error) {
      // Positions move with every applied record, so a half caught-up replica is still a valid standby.
      this.standby?.giveBack(partition, replica);
      throw error;
    }
    return { replica, recordsRead, fromStandby: standby !== undefined };
  }

  release(partition: number, replica: Replica): void {
    this.standby?.giveBack(partition, replica);
  }
}
