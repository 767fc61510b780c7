import { Logger } from '@nestjs/common';
import { envelope, encodeEvent, encodeJson, decodeJson, isCommandMessage, idempotencyRecordKey,
  type CommandMessage, type CommandReply, type IdempotencyRecord, type TopicNames } from '@carts/contracts';
import type { LogRecord, OutboundRecord, PartitionWriterHandler, RestoredPartition, WriterStep } from '@carts/event-log';
import { countInvalidCommand, countSkippedEvents, observeRestore } from '../infrastructure/command-metrics';
import { decideCommand, type Decision } from './command-decision';
import { CommandSpans } from './command-spans';
import { invalidCommand } from './command-validation';
import type { CartEntry, PartitionState, SkippedEvent } from './partition-state';
import type { PartitionRestorer } from './partition-restore';

export interface Clock { now(): Date }
export interface IdGenerator { next(): string }

/** The cart-commands partition a cart id belongs to, as the gateway's producer picks it. */
export interface CommandPartitioning {
  /** Called before each restore: learns what `of` needs (the topic's partition count) once. */
  ready(): Promise<void>;
  of(cartId: string): number;
}

/**
 * The generic write path for one partition: load state → decide → append. Events, the reply and
 * the idempotency record leave in one Kafka transaction with the writer's progress (see
 * PartitionWriter); the in-memory state only moves forward once that transaction has committed.
 */
export class CartCommandHandler implements PartitionWriterHandler {
  private readonly logger = new Logger('CommandProcessor');
  private readonly partitions = new Map<number, PartitionState>();

  constructor(
    private readonly restorer: Pick<PartitionRestorer, 'restore' | 'release'>,
    private readonly topics: TopicNames,
    private readonly replyPartitions: number,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly partitioning: CommandPartitioning,
  ) {}

  get ownedPartitions(): number[] {
    return [...this.partitions.keys()];
  }

  async restore(partition: number, heartbeat: () => Promise<void>): Promise<RestoredPartition> {
    const started = Date.now();
    // The join-during-a-restore test waits for this line before another instance joins.
    this.logger.log(`partition ${partition} restoring`);
    let restored;
    try {
      await this.partitioning.ready();
      restored = await this.restorer.restore(partition, heartbeat);
    } catch (error) {
      const e = error as Error & { type?: string };
      this.logger.warn(`partition ${partition} restore ended after ${Date.now() - started} ms: ${e.type ?? e.name}: ${e.message}`);
      throw error;
    }
    const { state, recordsRead, fromStandby } = restored;
    this.partitions.set(partition, state);
    observeRestore((Date.now() - started) / 1000, fromStandby);
    // The bench and the tests parse this line: keep its head ("… N events in T ms") as it is.
    const source = fromStandby ? `from the standby + ${recordsRead} records caught up` : `${recordsRead} records read from offset 0`;
    this.logger.log(`partition ${partition} restored: ${state.carts.size} carts, ${state.eventsRestored} events in ${Date.now() - started} ms (${source})`);
    this.reportSkipped(partition, state.skipped);
    return { nextInputOffset: state.writerProgress };
  }

  /**
   * Once per record: a standby that met it reports it at takeover, and the list is emptied. Loud
   * on purpose: a record the writer did not write (or a bug of it) is in the log of record.
   */
  private reportSkipped(partition: number, skipped: SkippedEvent[]): void {
    if (!skipped.length) return;
    countSkippedEvents(skipped.map((s) => s.reason));
    const shown = skipped.slice(0, 5).map((s) => `${s.at} ${s.reason}: ${s.detail}`).join('; ');
    this.logger.warn(`partition ${partition}: skipped ${skipped.length} event record(s) while restoring that do not continue their cart (${shown}${skipped.length > 5 ? '; …' : ''}); ` +
      `they take no version here, and the projections park them (cartctl dlq list). See docs/operations.md, "A record the services did not write"`);
    skipped.length = 0;
  }

  release(partition: number): void {
    const state = this.partitions.get(partition);
    this.partitions.delete(partition);
    if (state) this.restorer.release(partition, state);
  }

  /**
   * A record the gateway could not have written (see command-validation.ts): answered `invalid`,
   * nothing appended or remembered under its key, counted and logged (without its values).
   */
  private refuseInvalid(msg: CommandMessage, partition: number, offset: string, entry: CartEntry): Decision | null {
    const invalid = invalidCommand(msg, partition, (cartId) => this.partitioning.of(cartId));
    if (!invalid) return null;
    countInvalidCommand(invalid.reason);
    this.logger.warn(`refused an invalid command at ${this.topics.commands}/${partition}@${offset} (${invalid.reason}): appended nothing`);
    return {
      outcome: { status: 'rejected', cartId: msg.cartId, kind: 'invalid', code: 'MALFORMED_COMMAND', message: invalid.message, version: invalid.reason === 'wrong_partition' ? 0 : entry.version },
      events: [], next: entry, remember: false,
    };
  }

  handle(partition: number, records: readonly LogRecord[]): WriterStep {
    const state = this.partitions.get(partition);
    if (!state) throw new Error(`partition ${partition} is not owned by this instance`);
    const carts = new Map<string, CartEntry>();
    const remembered = new Map<string, IdempotencyRecord>();
    const out: OutboundRecord[] = [];
    const spans = new CommandSpans();
    for (const record of records) {
      const msg = decodeJson<CommandMessage>(record.value);
      if (!isCommandMessage(msg) || msg.replyPartition < 0 || msg.replyPartition >= this.replyPartitions) {
        this.logger.warn(`skipping an unreadable command at ${record.topic}/${partition}@${record.offset}`);
        countInvalidCommand('unreadable');
        continue;
      }
      const headers = spans.start(record, msg);
      const key = msg.idempotencyKey ? idempotencyRecordKey(msg.cartId, msg.idempotencyKey) : undefined;
      const previous = key ? remembered.get(key) ?? state.idempotency.get(key) : undefined;
      const entry = carts.get(msg.cartId) ?? state.cart(msg.cartId);
      const now = this.clock.now();
      const decision = this.refuseInvalid(msg, partition, record.offset, entry) ?? decideCommand(msg, entry, previous, now.getTime());
      spans.decided(decision.outcome);
      decision.events.forEach((event, i) => {
        const env = envelope(event, { eventId: this.ids.next(), cartId: msg.cartId, version: entry.version + i + 1, occurredAt: now.toISOString(), commandId: msg.commandId, correlationId: msg.correlationId });
        out.push({ topic: this.topics.events, partition, key: msg.cartId, value: encodeEvent(env), headers });
      });
      carts.set(msg.cartId, decision.next);
      const reply: CommandReply = { commandId: msg.commandId, outcome: decision.outcome };
      out.push({ topic: this.topics.replies, partition: msg.replyPartition, key: msg.cartId, value: encodeJson(reply), headers });
      if (key && msg.idempotencyKey && decision.remember) {
        const idem: IdempotencyRecord = { cartId: msg.cartId, key: msg.idempotencyKey, requestHash: msg.requestHash ?? '', outcome: decision.outcome, recordedAt: now.toISOString() };
        remembered.set(key, idem);
        out.push({ topic: this.topics.idempotency, partition, key, value: encodeJson(idem), headers });
      }
    }
    return {
      records: out,
      committed: () => {
        // Never backwards: after a release this state serves as a standby, and the tailer may
        // already have applied these events (or later ones of a new owner) from the log.
        for (const [cartId, entry] of carts) if (entry.version > state.cart(cartId).version) state.carts.set(cartId, entry);
        for (const [key, record] of remembered) state.idempotency.set(key, record);
        spans.committed();
      },
      failed: (error) => spans.failed(error),
    };
  }
}
