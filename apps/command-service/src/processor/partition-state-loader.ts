import type { TopicNames } from '@carts/contracts';
import { readPartitionsToEnd, type Kafka } from '@carts/event-log';
import { PartitionState } from './partition-state';

/** Where a partition's write-side state comes from when this instance takes the partition over. */
export interface PartitionStateLoader {
  load(partition: number, heartbeat: () => Promise<void>): Promise<PartitionState>;
}

/**
 * Rebuilds a partition's state from `cart-events` and `cart-idempotency` partition p, read
 * committed, to the end they have once the partition is fenced (nobody else can extend them).
 * `cart-idempotency` also holds the writer's progress record (next command offset).
 */
export class KafkaPartitionStateLoader implements PartitionStateLoader {
  constructor(
    private readonly kafka: Kafka,
    private readonly topics: TopicNames,
    private readonly idempotencyRetentionMs: number,
    private readonly now: () => number,
  ) {}

  async load(partition: number, heartbeat: () => Promise<void>): Promise<PartitionState> {
    const state = new PartitionState(this.idempotencyRetentionMs);
    const now = this.now();
    const specs = [{ topic: this.topics.events, partition }, { topic: this.topics.idempotency, partition }];
    await readPartitionsToEnd(this.kafka, specs, async (records) => {
      for (const r of records) {
        if (r.topic === this.topics.events) state.restoreEvent(r.value);
        else state.restoreIdempotency(r.key, r.value, now);
      }
      await heartbeat();
    });
    return state;
  }
}
