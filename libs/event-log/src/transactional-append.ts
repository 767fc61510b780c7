import type { Producer, RecordMetadata } from 'kafkajs';

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
    const acknowledged = await transaction.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })), acks: -1 });
    assertEveryPartitionAcknowledged(records, acknowledged);
    await transaction.commit();
  } catch (error) {
    await transaction.abort().catch(() => undefined);
    throw error;
  }
}

/** A send that resolved without an acknowledgement for every partition it was given. */
export class IncompleteAppendError extends Error {
  readonly retriable = true;
  constructor(readonly missing: readonly string[]) {
    super(`the broker acknowledged no write to ${missing.join(', ')}: the transaction is aborted, not committed without them`);
    this.name = 'IncompleteAppendError';
  }
}

/**
 * Never commit a transaction that lacks some of its records. kafkajs 2.2.4 could resolve a send
 * that skipped the partitions of a leader that moved (patched: patches/README.md); this check
 * keeps the writer's guarantee whatever the client does: every partition written to has an
 * acknowledgement without error, or the transaction is aborted and the batch retried.
 */
export function assertEveryPartitionAcknowledged(records: readonly OutboundRecord[], acknowledged: readonly RecordMetadata[]): void {
  const acked = new Set(acknowledged.filter((m) => !m.errorCode).map((m) => `${m.topicName}/${m.partition}`));
  const missing = [...new Set(records.map((r) => `${r.topic}/${r.partition}`))].filter((p) => !acked.has(p));
  if (missing.length) throw new IncompleteAppendError(missing);
}
