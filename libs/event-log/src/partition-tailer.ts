import type { Kafka } from 'kafkajs';
import { fixedAssigner } from './fixed-assigner';
import { deleteGroupQuietly, privateGroupId } from './private-groups';
import { toLogRecord, type LogRecord, type ReadSpec } from './partition-reader';

export interface PartitionTail {
  /** Disconnects; no `onBatch` call starts after this resolves. */
  stop(): Promise<void>;
}

/**
 * Follows the given partitions from their `fromOffset` with no end, read-committed, through a
 * private group with a fixed assignment (nothing is committed: the caller keeps its positions).
 * `onBatch` is called in offset order per partition. Until the seeks apply, the first batches may
 * start below `fromOffset`: callers filter by offset (they need to anyway, to resume exactly).
 */
export async function tailPartitions(
  kafka: Kafka,
  specs: readonly ReadSpec[],
  onBatch: (records: LogRecord[]) => void,
  /** `restarting`: kafkajs restarts the consumer itself (a retriable error); if not, the tail is over. */
  onCrash: (error: Error, restarting: boolean) => void = () => undefined,
): Promise<PartitionTail> {
  const assignment: Record<string, number[]> = {};
  for (const s of specs) (assignment[s.topic] ??= []).push(s.partition);
  const groupId = privateGroupId(kafka, 'tailer');
  const consumer = kafka.consumer({
    groupId,
    partitionAssigners: [fixedAssigner(assignment)],
    maxWaitTimeInMs: 250,
    // Bounded fetches: kafkajs decodes a whole fetch response without returning to the event loop,
    // and a tail far behind must not starve the process's other consumers' heartbeats, its HTTP
    // requests or its transactions (12 × 4 MB blocked it for seconds). 256 KB made warming up a
    // 1M-event log too slow for a takeover soon after start; 1 MB ≈ 5k records ≈ 60 ms.
    maxBytesPerPartition: 1024 * 1024,
    maxBytes: 4 * 1024 * 1024,
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => onCrash(payload.error, payload.restart));
  await consumer.connect();
  try {
    for (const topic of Object.keys(assignment)) await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (batch.messages.length > 0) onBatch(batch.messages.map((m) => toLogRecord(batch.topic, batch.partition, m)));
        await new Promise((resolve) => setImmediate(resolve)); // let I/O in between batches
      },
    });
    for (const s of specs) {
      if (BigInt(s.fromOffset ?? '0') > 0n) consumer.seek({ topic: s.topic, partition: s.partition, offset: s.fromOffset ?? '0' });
    }
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    throw error;
  }
  return {
    stop: async () => {
      await consumer.disconnect();
      await deleteGroupQuietly(kafka, groupId);
    },
  };
}
