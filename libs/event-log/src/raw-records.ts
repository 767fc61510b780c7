import type { Kafka } from 'kafkajs';

export interface RawRecord {
  readonly key: string | null;
  /** Written as is: tests use this to put malformed records in the log, generators to load streams. */
  readonly value: Buffer | string | null;
}

/**
 * Appends records to a topic with a plain (idempotent, non-transactional) producer and Kafka's
 * default partitioner — exactly where the write side would put the same keys. For tests, tools and
 * benchmarks; the services write through their own producers.
 */
export async function appendRawRecords(kafka: Kafka, topic: string, records: readonly RawRecord[], chunk = 2000): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let i = 0; i < records.length; i += chunk) {
      await producer.send({ topic, acks: -1, messages: records.slice(i, i + chunk).map((r) => ({ key: r.key, value: r.value })) });
    }
  } finally {
    await producer.disconnect();
  }
}
