import type { Producer } from 'kafkajs';

/** One record to append: topic, partition and key chosen by the caller. */
export interface OutboundRecord {
  readonly topic: string;
  readonly partition: number;
  readonly key: string;
  readonly value: Buffer;
  /** Record headers: the trace context (`traceparent`) of the step that produced the record. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The append: every record in one Kafka transaction of the partition's fenced producer, acks=all
 * — all of them become visible to read-committed readers together, or none does. Three round
 * trips (AddPartitionsToTxn, Produce, EndTxn); a failure aborts and rethrows.
 */
export async function appendInTransaction(producer: Producer, records: readonly OutboundRecord[]): Promise<void> {
  const byTopic = new Map<string, { key: string; value: Buffer; partition: number; headers?: Record<string, string> }[]>();
  for (const r of records) {
    const list = byTopic.get(r.topic) ?? [];
    list.push({ key: r.key, value: r.value, partition: r.partition, headers: r.headers });
    byTopic.set(r.topic, list);
  }
  const transaction = await producer.transaction();
  try {
    await transaction.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })), acks: -1 });
    await transaction.commit();
  } catch (error) {
    await transaction.abort().catch(() => undefined);
    throw error;
  }
}
