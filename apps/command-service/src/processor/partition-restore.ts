import type { TopicNames } from '@carts/contracts';
import { readPartitionsToEnd, type Kafka, type LogRecord, type ReadOptions, type ReadSpec } from '@carts/event-log';
import { PartitionState } from './partition-state';
import type { StandbyTailer } from './standby-tailer';

export interface RestoredPartitionState {
  readonly state: PartitionState;
  /** Records read from the log to bring it to the end: all of them without a standby. */
  readonly recordsRead: number;
  readonly fromStandby: boolean;
}

/** Warm copies of the partitions this instance does not own. */
export type StandbySource = Pick<StandbyTailer, 'take' | 'giveBack'>;

export type ReadToEnd = (specs: readonly ReadSpec[], onBatch: (records: LogRecord[]) => Promise<void>, options: ReadOptions) => Promise<void>;

/**
 * The restore: brings a partition's state to the end `cart-events`, `cart-idempotency` and
 * `cart-writer-progress` partition p have once the partition is fenced (nobody else can extend
 * them), read committed: from the standby's positions when there is a standby, else from offset 0.
 * The progress topic holds the writer's progress record (next command offset); an older one may
 * still be in `cart-idempotency` (see writer-progress.ts).
 */
export class PartitionRestorer {
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

  async restore(partition: number, heartbeat: () => Promise<void>): Promise<RestoredPartitionState> {
    const standby = this.standby?.take(partition);
    const state = standby ?? new PartitionState(this.idempotencyRetentionMs);
    let recordsRead = 0;
    const now = this.now();
    const specs = [this.topics.events, this.topics.idempotency, this.topics.writerProgress].map((topic) =>
      ({ topic, partition, fromOffset: (state.positions.get(topic) ?? 0n).toString() }));
    try {
      // The writer group's heartbeat keeps this member alive through a long restore, and its
      // rebalance signal ends the restore (and the batch) so the member rejoins at once.
      await this.readToEnd(specs, async (records) => {
        recordsRead += records.length;
        state.apply(records, this.topics, now);
      }, { keepAlive: heartbeat });
    } catch (error) {
      // Positions move with every applied record, so a half caught-up state is still a valid standby.
      this.standby?.giveBack(partition, state);
      throw error;
    }
    return { state, recordsRead, fromStandby: standby !== undefined };
  }

  /** The owner let the partition go: its state (correct up to what it committed) may serve as a standby. */
  release(partition: number, state: PartitionState): void {
    this.standby?.giveBack(partition, state);
  }
}
