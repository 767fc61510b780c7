import { Partitioners } from 'kafkajs';

const defaultPartitioner = Partitioners.DefaultPartitioner();

/**
 * The partition Kafka's default (murmur2) partitioner picks for a key: the same one the Java
 * client uses, so a cart's commands, events and idempotency records share a partition number.
 */
export function partitionForKey(key: string, partitionCount: number): number {
  const partitionMetadata = Array.from({ length: partitionCount }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
  return defaultPartitioner({ topic: '', partitionMetadata, message: { key, value: null } });
}
