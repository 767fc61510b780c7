import { encodeEvent, type EventEnvelope } from '@carts/contracts';
import type { Kafka } from '@carts/event-log';
import { LogAdmin } from '@carts/event-log';
import { BENCH_MIX, CartSessionGenerator } from '@carts/testing';

export interface EncodedEvent {
  readonly key: string;
  readonly value: Buffer;
}

/**
 * The bench's cart traffic: the tests' session generator with longer sessions (~12 events per
 * cart), 2,000 carts in progress at once, and fresh ids on every load (the mix comes from the seed).
 */
export function benchCartStream(seed = 42): CartSessionGenerator {
  return new CartSessionGenerator({ seed, mix: BENCH_MIX, concurrentSessions: 2000, customers: 20_000, skus: 500, ids: 'random' });
}

export const encodeForKafka = (events: readonly EventEnvelope[]): EncodedEvent[] => events.map((e) => ({ key: e.cartId, value: encodeEvent(e) }));

export interface LoadedLog {
  /** Records in the topic afterwards (offsets summed over partitions, transaction markers included). */
  readonly totalRecords: number;
  readonly written: number;
  readonly carts: number;
  readonly ms: number;
  /** Carts left open by the stream: commands on them are accepted. */
  readonly openCarts: string[];
}

const CHUNK = 4000;

export async function logSize(kafka: Kafka, topic: string): Promise<number> {
  const admin = new LogAdmin(kafka);
  try {
    return [...(await admin.endOffsets(topic)).values()].reduce((sum, end) => sum + Number(end), 0);
  } finally {
    await admin.close();
  }
}

/**
 * Tops `cart-events` up to `target` records with a realistic stream, written straight to Kafka
 * (idempotent producer, acks=all, as the write side would): the next chunk is generated while the
 * previous one is on the wire.
 */
export async function loadLog(kafka: Kafka, topic: string, target: number, log: (line: string) => void): Promise<LoadedLog> {
  const before = await logSize(kafka, topic);
  const stream = benchCartStream();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const started = Date.now();
  let written = 0;
  let lastNote = started;
  try {
    let sending: Promise<unknown> = Promise.resolve();
    while (before + written < target) {
      const chunk = encodeForKafka(stream.next(Math.min(CHUNK, target - before - written)));
      await sending;
      sending = producer.send({ topic, acks: -1, messages: chunk });
      written += chunk.length;
      if (Date.now() - lastNote > 5000) {
        lastNote = Date.now();
        log(`  … ${written.toLocaleString('en-US')} events written`);
      }
    }
    await sending;
  } finally {
    await producer.disconnect();
  }
  return { totalRecords: await logSize(kafka, topic), written, carts: stream.carts, ms: Date.now() - started, openCarts: stream.openCarts() };
}
