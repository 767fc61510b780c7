import { Logger } from '@nestjs/common';
import type { TopicNames } from '@carts/contracts';
import { tailPartitions, type Kafka, type LogRecord, type PartitionTail, type ReadSpec } from '@carts/event-log';
import { PartitionState } from './partition-state';

/** How soon a tail that failed to start, or stopped on a non-retriable error, is tried again. */
const RETRY_MS = 5000;

interface Standby {
  readonly state: PartitionState;
  /** The tail generation feeding it; null until the next restart picks it up. */
  fedBy: number | null;
}

export interface StandbyTailerOptions {
  readonly topics: Pick<TopicNames, 'events' | 'idempotency' | 'writerProgress'>;
  readonly partitions: number;
  readonly idempotencyRetentionMs: number;
  readonly now: () => number;
}

/**
 * Warm standby replicas, as Kafka Streams' num.standby.replicas: a copy of the write-side state
 * of every partition this instance does not own, kept current by tailing `cart-events`,
 * `cart-idempotency` and `cart-writer-progress` in the background, so a takeover only reads the tail of the log.
 *
 * Each standby is fed by exactly one tail generation, which read the partition contiguously from
 * (at most) the standby's positions: records of an older generation, which may have moved far
 * past a standby handed back by an owner, are ignored. A hand-back therefore restarts the tail
 * from everyone's current positions (rebalances are rare; the overlap is skipped by offset).
 */
export class StandbyTailer {
  private readonly logger = new Logger(StandbyTailer.name);
  private readonly standbys = new Map<number, Standby>();
  private generation = 0;
  private tail: PartitionTail | undefined;
  private restarting: Promise<void> | undefined;
  private restartWanted = false;
  private stopped = false;

  constructor(private readonly kafka: Kafka, private readonly options: StandbyTailerOptions) {}

  /** Starts tailing every partition from 0; returns once the tail is running, not caught up. */
  async start(): Promise<void> {
    for (let p = 0; p < this.options.partitions; p++) {
      if (!this.standbys.has(p)) this.standbys.set(p, { state: new PartitionState(this.options.idempotencyRetentionMs), fedBy: null });
    }
    this.scheduleRestart();
    await this.restarting;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.restarting;
    await this.tail?.stop();
    this.tail = undefined;
  }

  /** Partitions held as warm standbys right now. */
  get size(): number {
    return this.standbys.size;
  }

  /** Hands the partition's standby over (it is no longer updated in the background), if there is one. */
  take(partition: number): PartitionState | undefined {
    const standby = this.standbys.get(partition);
    this.standbys.delete(partition);
    return standby?.state;
  }

  giveBack(partition: number, state: PartitionState): void {
    if (this.stopped) return;
    this.standbys.set(partition, { state, fedBy: null });
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    this.restartWanted = true;
    // A rebalance hands several partitions back in one go: one restart for all of them.
    this.restarting ??= new Promise((resolve) => setImmediate(resolve))
      .then(() => this.restartWhileWanted())
      .finally(() => {
        this.restarting = undefined;
        // A hand-back between the loop's last check and here would otherwise wait for the next one.
        if (this.restartWanted && !this.stopped) this.scheduleRestart();
      });
  }

  private async restartWhileWanted(): Promise<void> {
    while (this.restartWanted && !this.stopped) {
      this.restartWanted = false;
      try {
        await this.restart();
      } catch (error) {
        // Not fatal: a takeover then reads more of the log meanwhile.
        this.logger.warn(`standby tail failed to start: ${(error as Error).message}; retrying in ${RETRY_MS} ms`);
        this.retryLater();
      }
    }
  }

  private async restart(): Promise<void> {
    const generation = ++this.generation;
    // Synchronously with the positions snapshot, so no record of the old tail lands in between.
    const specs: ReadSpec[] = [];
    for (const [partition, standby] of this.standbys) {
      standby.fedBy = generation;
      const { events, idempotency, writerProgress } = this.options.topics;
      for (const topic of [events, idempotency, writerProgress]) {
        specs.push({ topic, partition, fromOffset: (standby.state.positions.get(topic) ?? 0n).toString() });
      }
    }
    const old = this.tail;
    this.tail = undefined;
    await old?.stop();
    if (specs.length === 0 || this.stopped) return;
    this.tail = await tailPartitions(this.kafka, specs, (records) => this.apply(generation, records), (error, restarting) => {
      this.logger.warn(`standby tail crashed: ${error.message}${restarting ? '' : `; restarting it in ${RETRY_MS} ms`}`);
      if (!restarting && generation === this.generation) this.retryLater();
    });
  }

  private retryLater(): void {
    setTimeout(() => { if (!this.stopped) this.scheduleRestart(); }, RETRY_MS).unref();
  }

  private apply(generation: number, records: readonly LogRecord[]): void {
    const standby = this.standbys.get(records[0].partition);
    if (!standby || standby.fedBy !== generation) return; // owned now, or fed by a newer tail
    standby.state.apply(records, this.options.topics, this.options.now());
  }
}
