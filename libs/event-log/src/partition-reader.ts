import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { fixedAssigner } from './fixed-assigner';

export interface ReadSpec {
  readonly topic: string;
  readonly partition: number;
  /** First offset wanted (inclusive); 0 by default. */
  readonly fromOffset?: string;
}

export interface LogRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly timestamp: string;
}

export const toLogRecord = (topic: string, partition: number, m: KafkaMessage): LogRecord => ({
  topic, partition, offset: m.offset, key: m.key ? m.key.toString() : null, value: m.value, timestamp: m.timestamp,
});

/** End offsets (read-committed: the last stable offset) of some partitions of a topic. */
export async function endOffsets(kafka: Kafka, topic: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads the given partitions from `fromOffset` to the end they had when the read began, calling
 * `onBatch` in offset order per partition. Read-committed: aborted writes are never seen.
 */
export async function readPartitionsToEnd(
  kafka: Kafka,
  specs: readonly ReadSpec[],
  onBatch: (records: LogRecord[]) => void | Promise<void>,
): Promise<void> {
  const key = (t: string, p: number) => `${t}#${p}`;
  const pending = new Map<string, { from: bigint; end: bigint }>();
  for (const topic of new Set(specs.map((s) => s.topic))) {
    const ends = await endOffsets(kafka, topic);
    for (const spec of specs.filter((s) => s.topic === topic)) {
      const from = BigInt(spec.fromOffset ?? '0');
      const end = ends.get(spec.partition) ?? 0n;
      if (end > from) pending.set(key(topic, spec.partition), { from, end });
    }
  }
  if (pending.size === 0) return;

  const assignment: Record<string, number[]> = {};
  for (const s of specs) if (pending.has(key(s.topic, s.partition))) (assignment[s.topic] ??= []).push(s.partition);
  const consumer = kafka.consumer({
    groupId: `reader-${randomUUID()}`,
    partitionAssigners: [fixedAssigner(assignment)],
    maxWaitTimeInMs: 50,
    maxBytesPerPartition: 4 * 1024 * 1024,
  });

  let finish!: () => void;
  let fail!: (e: Error) => void;
  const done = new Promise<void>((resolve, reject) => { finish = resolve; fail = reject; });
  const markProgress = (topic: string, partition: number, lastOffset: string) => {
    const p = pending.get(key(topic, partition));
    if (p && BigInt(lastOffset) >= p.end - 1n) pending.delete(key(topic, partition));
    if (pending.size === 0) finish();
  };
  // Batches holding only transaction markers never reach eachBatch; this event still reports them.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => markProgress(payload.topic, payload.partition, payload.lastOffset));
  consumer.on(consumer.events.CRASH, ({ payload }) => fail(payload.error));

  await consumer.connect();
  try {
    for (const topic of Object.keys(assignment)) await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        const p = pending.get(key(batch.topic, batch.partition));
        if (!p) return;
        const wanted = batch.messages.filter((m) => { const o = BigInt(m.offset); return o >= p.from && o < p.end; });
        if (wanted.length > 0) await onBatch(wanted.map((m) => toLogRecord(batch.topic, batch.partition, m)));
        await heartbeat();
      },
    });
    for (const [k, p] of pending) {
      const [topic, partition] = k.split('#');
      if (p.from > 0n) consumer.seek({ topic, partition: Number(partition), offset: p.from.toString() });
    }
    await done;
  } finally {
    await consumer.disconnect();
  }
}
