import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { Kafka } from '@carts/event-log';
import type { BenchEnv } from '../lib/bench-env';
import { benchCartStream, encodeForKafka, type EncodedEvent } from '../lib/log-loader';
import { perSecond } from '../lib/stats';

export interface BaselineResults {
  readonly eventBytes: number;
  readonly producer: { readonly messages: number; readonly ms: number; readonly perSecond: number };
  readonly consumer: { readonly messages: number; readonly ms: number; readonly perSecond: number };
  readonly upsert: { readonly rows: number; readonly batch: number; readonly ms: number; readonly perSecond: number };
}

const SEND_BATCH = 4000;
const UPSERT_BATCH = 5000;

/** The local limits, measured in the same run: what the services are compared against. */
export async function runBaselines(env: BenchEnv, messages: number, rows: number): Promise<BaselineResults> {
  const topic = `${env.config.kafka.topicPrefix}bench-raw`;
  const admin = env.kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: env.config.kafka.partitions, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();
  // Real envelopes from the same stream the rebuild uses: "our event size".
  const sample = encodeForKafka(benchCartStream(7).next(20_000));
  const eventBytes = Math.round(sample.reduce((s, e) => s + e.value.length, 0) / sample.length);
  const producer = await rawProducer(env.kafka, topic, sample, messages);
  const consumer = await rawConsumer(env.kafka, topic, `${env.config.kafka.topicPrefix}bench-raw-consumer`, messages);
  const upsert = await rawUpsert(env.databaseUrl, rows);
  return { eventBytes, producer, consumer, upsert };
}

/** kafkajs idempotent producer, acks=all, one request in flight, batches of SEND_BATCH. */
async function rawProducer(kafka: Kafka, topic: string, sample: EncodedEvent[], total: number): Promise<BaselineResults['producer']> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const started = Date.now();
  try {
    for (let sent = 0; sent < total; sent += SEND_BATCH) {
      const count = Math.min(SEND_BATCH, total - sent);
      const messages = Array.from({ length: count }, (_, i) => sample[(sent + i) % sample.length]);
      await producer.send({ topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
  const ms = Date.now() - started;
  return { messages: total, ms, perSecond: perSecond(total, ms) };
}

/** A plain consumer reading the topic from the start and doing nothing but count (from its first batch). */
async function rawConsumer(kafka: Kafka, topic: string, groupId: string, total: number): Promise<BaselineResults['consumer']> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, maxBytesPerPartition: 2 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let first = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const timeout = setTimeout(finish, 120_000);
  await consumer.run({
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch }) => {
      first ||= Date.now();
      seen += batch.messages.length;
      if (seen >= total) finish();
    },
  });
  await done;
  const ms = Date.now() - first;
  clearTimeout(timeout);
  await consumer.disconnect();
  return { messages: seen, ms, perSecond: perSecond(seen, ms) };
}

/** The read model's own statement shape: INSERT … SELECT FROM unnest … ON CONFLICT DO UPDATE, plus an offset row, per transaction. */
async function rawUpsert(url: string, rows: number): Promise<BaselineResults['upsert']> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE TABLE bench_raw_upsert (cart_id uuid PRIMARY KEY, customer_id text, status text, currency text, lines jsonb,
      item_count int, total bigint, version int, created_at timestamptz, updated_at timestamptz)`);
    await client.query(`CREATE TABLE bench_raw_offsets (partition int PRIMARY KEY, next_offset bigint)`);
    await client.query(`INSERT INTO bench_raw_offsets VALUES (0, 0)`);
    const ids = Array.from({ length: Math.max(UPSERT_BATCH, Math.floor(rows / 4)) }, () => randomUUID());
    const lines = JSON.stringify([{ sku: 'SKU-0042', name: 'Product 42 — large', quantity: 2, unitPrice: 1753, lineTotal: 3506 }]);
    const started = Date.now();
    for (let done = 0; done < rows; done += UPSERT_BATCH) {
      const count = Math.min(UPSERT_BATCH, rows - done);
      const batchIds = Array.from({ length: count }, (_, i) => ids[(done + i) % ids.length]);
      await upsertBatch(client, batchIds, lines, done + count);
    }
    const ms = Date.now() - started;
    await client.query('DROP TABLE bench_raw_upsert, bench_raw_offsets');
    return { rows, batch: UPSERT_BATCH, ms, perSecond: perSecond(rows, ms) };
  } finally {
    await client.end();
  }
}

async function upsertBatch(client: Client, ids: string[], lines: string, offset: number): Promise<void> {
  const now = new Date().toISOString();
  const same = <T>(v: T) => ids.map(() => v);
  await client.query('BEGIN');
  await client.query(
    `INSERT INTO bench_raw_upsert SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::int[], $7::bigint[], $8::int[], $9::timestamptz[], $10::timestamptz[])
     ON CONFLICT (cart_id) DO UPDATE SET customer_id = EXCLUDED.customer_id, status = EXCLUDED.status, currency = EXCLUDED.currency, lines = EXCLUDED.lines,
       item_count = EXCLUDED.item_count, total = EXCLUDED.total, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at`,
    [ids, same('customer-1'), same('open'), same('EUR'), same(lines), same(2), same(3506), ids.map((_, i) => offset + i), same(now), same(now)]);
  await client.query('UPDATE bench_raw_offsets SET next_offset = $1 WHERE partition = 0', [offset]);
  await client.query('COMMIT');
}
