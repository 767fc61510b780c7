import type { Kafka, Producer } from 'kafkajs';

export interface BatchedMessage {
  readonly key: string;
  readonly value: Buffer;
  readonly partition?: number;
  /** Epoch ms after which nobody awaits the record any more: it is dropped instead of sent. */
  readonly expiresAt?: number;
  /** The sender's trace context (`traceparent`), when it traces. */
  readonly headers?: Readonly<Record<string, string>>;
}

interface Pending {
  readonly message: BatchedMessage;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class ProducerOverloadedError extends Error {}
export class RecordExpiredError extends Error {}

/**
 * kafkajs sends one request per `send()` and has no linger. With one request in flight (what the
 * idempotent producer needs to keep order), records that arrive meanwhile are sent together in
 * the next request: no added latency when idle, large batches under load. While the broker is
 * away the queue is bounded, and records whose waiter has given up are not sent once it is back.
 */
export class BatchingProducer {
  private readonly producer: Producer;
  private queue: Pending[] = [];
  private inFlight = false;

  constructor(kafka: Kafka, private readonly topic: string, private readonly maxBatch = 2000, private readonly maxQueued = 50_000) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /** Resolves once the record is acknowledged by all in-sync replicas. */
  send(message: BatchedMessage): Promise<void> {
    if (this.queue.length >= this.maxQueued) return Promise.reject(new ProducerOverloadedError(`${this.queue.length} records are waiting for the broker`));
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.inFlight || this.queue.length === 0) return;
    this.inFlight = true;
    const now = Date.now();
    const taken = this.queue.splice(0, this.maxBatch);
    const batch = taken.filter((p) => p.message.expiresAt === undefined || p.message.expiresAt > now);
    taken.filter((p) => !batch.includes(p)).forEach((p) => p.reject(new RecordExpiredError('expired before it could be sent')));
    try {
      if (batch.length > 0) {
        await this.producer.send({ topic: this.topic, acks: -1, messages: batch.map(({ message: { key, value, partition, headers } }) => ({ key, value, partition, headers })) });
      }
      batch.forEach((p) => p.resolve());
    } catch (error) {
      batch.forEach((p) => p.reject(error as Error));
    } finally {
      this.inFlight = false;
      void this.flush();
    }
  }
}
