import type { Kafka, KafkaMessage } from 'kafkajs';
import type { RecordHeaders } from '@carts/tracing';
import { fixedAssigner } from './fixed-assigner';
import { withLogAdmin } from './log-admin';
import { deleteGroupQuietly, privateGroupId } from './private-groups';

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
  /** As sent: `traceparent` when the sender traced (docs/observability.md, Traces). */
  readonly headers?: RecordHeaders;
}

export const toLogRecord = (topic: string, partition: number, m: KafkaMessage): LogRecord => ({
  topic, partition, offset: m.offset, key: m.key ? m.key.toString() : null, value: m.value, timestamp: m.timestamp, headers: m.headers,
});

/** End offsets (read-committed: the last stable offset) of every partition of a topic. */
export function endOffsets(kafka: Kafka, topic: string): Promise<Map<number, bigint>> {
  return withLogAdmin(kafka, (admin) => admin.endOffsets(topic));
}

export interface ReadOptions {
  /**
   * Called every `keepAliveMs` while the read runs, from before the reader's own consumer has
   * joined its group until the read is done. A read inside another consumer's eachBatch (a
   * partition restore) passes that consumer's `heartbeat`: the member stays alive however long
   * the read takes, and learns of a rebalance of ITS group.
   */
  readonly keepAlive?: () => Promise<void>;
  readonly keepAliveMs?: number;
}

const KEEP_ALIVE_MS = 500;

/**
 * Reads the given partitions from `fromOffset` to the end they had when the read began, calling
 * `onBatch` in offset order per partition. Read-committed: aborted writes are never seen.
 *
 * An error of `onBatch` or `keepAlive` ends the read with that very error. It must never reach
 * the reader's own consumer: kafkajs would take a group error there (REBALANCE_IN_PROGRESS from
 * the caller's heartbeat) for the READER group's, rejoin that group and retry the batch forever,
 * so the caller's group would wait in vain for its member to rejoin (docs/benchmarks.md had it:
 * "a join during a restore stalls").
 */
export async function readPartitionsToEnd(
  kafka: Kafka,
  specs: readonly ReadSpec[],
  onBatch: (records: LogRecord[]) => void | Promise<void>,
  options: ReadOptions = {},
): Promise<void> {
  const stop = stopSignal();
  const keepAlive = options.keepAlive ? keepAliveLoop(options.keepAlive, options.keepAliveMs ?? KEEP_ALIVE_MS, stop.fail) : undefined;
  try {
    await Promise.race([stop.failed, readToEnd(kafka, specs, onBatch, stop)]);
  } finally {
    keepAlive?.stop();
  }
}

interface StopSignal {
  /** Rejects with the first error reported; never resolves. */
  readonly failed: Promise<never>;
  readonly fail: (error: Error) => void;
  error: Error | undefined;
}

function stopSignal(): StopSignal {
  let reject!: (e: Error) => void;
  const failed = new Promise<never>((_, r) => (reject = r));
  failed.catch(() => undefined); // awaited through Promise.race; not an unhandled rejection meanwhile
  const signal: StopSignal = {
    failed,
    error: undefined,
    fail: (error) => {
      signal.error ??= error;
      reject(signal.error);
    },
  };
  return signal;
}

function keepAliveLoop(keepAlive: () => Promise<void>, everyMs: number, fail: (e: Error) => void): { stop(): void } {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    keepAlive().catch(fail).finally(() => (busy = false));
  }, everyMs);
  return { stop: () => clearInterval(timer) };
}

async function readToEnd(
  kafka: Kafka,
  specs: readonly ReadSpec[],
  onBatch: (records: LogRecord[]) => void | Promise<void>,
  stop: StopSignal,
): Promise<void> {
  const key = (t: string, p: number) => `${t}#${p}`;
  const pending = new Map<string, { from: bigint; end: bigint }>();
  for (const topic of new Set(specs.map((s) => s.topic))) {
    const ranges = await withLogAdmin(kafka, (admin) => admin.offsetRanges(topic));
    for (const spec of specs.filter((s) => s.topic === topic)) {
      const from = BigInt(spec.fromOffset ?? '0');
      const { start, end } = ranges.get(spec.partition) ?? { start: 0n, end: 0n };
      // Retention may have deleted everything up to the end (an idle cart-idempotency
      // partition): no batch would ever arrive to say the read is done.
      if (end > from && end > start) pending.set(key(topic, spec.partition), { from, end });
    }
  }
  if (pending.size === 0 || stop.error) return;

  const assignment: Record<string, number[]> = {};
  for (const s of specs) if (pending.has(key(s.topic, s.partition))) (assignment[s.topic] ??= []).push(s.partition);
  const groupId = privateGroupId(kafka, 'reader');
  const consumer = kafka.consumer({
    groupId,
    partitionAssigners: [fixedAssigner(assignment)],
    maxWaitTimeInMs: 50,
    maxBytesPerPartition: 4 * 1024 * 1024,
  });

  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const markProgress = (topic: string, partition: number, lastOffset: string) => {
    const p = pending.get(key(topic, partition));
    if (p && BigInt(lastOffset) >= p.end - 1n) pending.delete(key(topic, partition));
    if (pending.size === 0) finish();
  };
  // Batches holding only transaction markers never reach eachBatch; this event still reports them.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => markProgress(payload.topic, payload.partition, payload.lastOffset));
  consumer.on(consumer.events.CRASH, ({ payload }) => stop.fail(payload.error));

  await consumer.connect();
  try {
    for (const topic of Object.keys(assignment)) await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        const p = pending.get(key(batch.topic, batch.partition));
        if (!p || stop.error) return;
        const wanted = batch.messages.filter((m) => { const o = BigInt(m.offset); return o >= p.from && o < p.end; });
        try {
          if (wanted.length > 0) await onBatch(wanted.map((m) => toLogRecord(batch.topic, batch.partition, m)));
        } catch (error) {
          stop.fail(error as Error); // the caller's error, not this consumer's: see readPartitionsToEnd
          return;
        }
        await heartbeat();
      },
    });
    for (const [k, p] of pending) {
      const [topic, partition] = k.split('#');
      if (p.from > 0n) consumer.seek({ topic, partition: Number(partition), offset: p.from.toString() });
    }
    await Promise.race([done, stop.failed]);
  } finally {
    await consumer.disconnect();
    await deleteGroupQuietly(kafka, groupId);
  }
}
