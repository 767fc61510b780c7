import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { randomInt, randomUUID } from 'node:crypto';
import type { CartCommand } from '@carts/domain';
import { encodeJson, decodeJson, type CommandMessage, type CommandOutcome, type CommandReply, type TopicNames } from '@carts/contracts';
import { BatchingProducer, ReplyListener, type Kafka } from '@carts/event-log';
import { APP_CONFIG, type AppConfig } from '@carts/config';
import { contextFromHeaders, context, isTracing, recordFailure, SpanAttr, SpanKind, trace, traceHeaders, tracer, type RecordHeaders, type Span } from '@carts/tracing';
import { countCommand } from '../infrastructure/command-metrics';
import { KAFKA, TOPICS } from '../infrastructure/tokens';

export interface CommandRequest {
  readonly cartId: string;
  readonly command: CartCommand;
  readonly customerId?: string;
  readonly correlationId: string;
  readonly expectedVersion?: number;
  readonly expectExists?: boolean;
  readonly idempotencyKey?: string;
  readonly requestHash?: string;
}

/** No outcome in time (broker down, or overloaded): the HTTP answer is a 503. */
export interface Unavailable {
  readonly status: 'unavailable';
  readonly message: string;
}

/** What the HTTP layer answers from (see outcome-response.ts). */
export interface SentCommand {
  readonly correlationId: string;
  readonly outcome: CommandOutcome | Unavailable;
}

class CommandUnavailableError extends Error {}

interface Waiter {
  readonly resolve: (outcome: CommandOutcome) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * The stateless HTTP side of the write path, a request/reply client of the partition owners:
 * publish the command to `cart-commands` keyed by cart id, then await the owner's reply on this
 * instance's partition of `cart-command-replies` (see docs/architecture.md, write side, step 6).
 */
@Injectable()
export class CommandGateway implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CommandGateway.name);
  private readonly producer: BatchingProducer;
  private readonly replies: ReplyListener;
  private readonly waiters = new Map<string, Waiter>();

  private readonly commandsTopic: string;
  private readonly repliesTopic: string;

  constructor(@Inject(KAFKA) kafka: Kafka, @Inject(TOPICS) topics: TopicNames, @Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.commandsTopic = topics.commands;
    this.repliesTopic = topics.replies;
    this.producer = new BatchingProducer(kafka, topics.commands);
    const replyPartition = randomInt(config.kafka.replyPartitions);
    this.replies = new ReplyListener(kafka, topics.replies, replyPartition, (value, headers) => this.onReply(value, headers));
  }

  get isReady(): boolean {
    return this.replies.isHealthy;
  }

  async onModuleInit(): Promise<void> {
    await this.producer.connect();
    await this.replies.start();
    await this.replies.ready;
    this.logger.log(`reading replies on partition ${this.replies.partition}`);
  }

  /** After the HTTP server has closed, so requests still in flight get their replies first. */
  async onApplicationShutdown(): Promise<void> {
    await this.replies.stop().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
  }

  /** Sends the command and waits for its outcome; `unavailable` if none comes in time. */
  async send(request: CommandRequest): Promise<SentCommand> {
    const sent = await this.outcomeOf(request);
    countCommand(request.command.type, sent.outcome);
    return sent;
  }

  private async outcomeOf(request: CommandRequest): Promise<SentCommand> {
    const { correlationId } = request;
    try {
      return { correlationId, outcome: await this.request(request) };
    } catch (error) {
      if (error instanceof CommandUnavailableError) return { correlationId, outcome: { status: 'unavailable', message: error.message } };
      throw error;
    }
  }

  private request(request: CommandRequest): Promise<CommandOutcome> {
    if (!this.replies.isHealthy) return Promise.reject(new CommandUnavailableError('not connected to the broker'));
    const commandId = randomUUID();
    const timeoutMs = this.config.commands.timeoutMs;
    const giveUpAt = Date.now() + timeoutMs;
    // The writer stops accepting a command a little before we give up on it, so a command we
    // answer 503 for is not applied behind the client's back; the margin covers commit and reply.
    const deadline = giveUpAt - Math.min(1000, Math.floor(timeoutMs / 4));
    const message: CommandMessage = { ...request, commandId, replyPartition: this.replies.partition, deadline };
    const span = this.publishSpan(message);
    return new Promise<CommandOutcome>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(commandId);
        reject(new CommandUnavailableError(`no outcome within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(commandId, { resolve, timer });
      const headers = span && traceHeaders(trace.setSpan(context.active(), span));
      this.producer.send({ key: request.cartId, value: encodeJson(message), expiresAt: deadline, headers }).then(() => span?.end(), (error: Error) => {
        if (span) { recordFailure(span, error); span.end(); }
        const waiter = this.waiters.get(commandId);
        if (!waiter) return;
        clearTimeout(waiter.timer);
        this.waiters.delete(commandId);
        reject(new CommandUnavailableError(`the broker did not accept the command: ${error.message}`));
      });
    });
  }

  /** `publish <commands topic>`, a child of the HTTP request's span, ended at the broker's ack. */
  private publishSpan(message: CommandMessage): Span | undefined {
    if (!isTracing()) return undefined;
    return tracer().startSpan(`publish ${this.commandsTopic}`, { kind: SpanKind.PRODUCER, attributes: {
      [SpanAttr.messagingSystem]: 'kafka', [SpanAttr.operation]: 'send', [SpanAttr.destination]: this.commandsTopic,
      [SpanAttr.commandId]: message.commandId, [SpanAttr.correlationId]: message.correlationId, [SpanAttr.cartId]: message.cartId, [SpanAttr.commandType]: message.command.type,
    } });
  }

  private onReply(value: Buffer, headers: RecordHeaders | undefined): void {
    const reply = decodeJson<CommandReply>(value);
    const waiter = reply && this.waiters.get(reply.commandId);
    if (!reply || !waiter) return; // another instance's reply sharing this partition
    // The reply's receipt, a child of the writer's span for the command (its `traceparent`).
    if (isTracing()) {
      tracer().startSpan(`process ${this.repliesTopic}`, { kind: SpanKind.CONSUMER, attributes: {
        [SpanAttr.messagingSystem]: 'kafka', [SpanAttr.operation]: 'process', [SpanAttr.destination]: this.repliesTopic, [SpanAttr.commandId]: reply.commandId,
        [SpanAttr.outcome]: reply.outcome.status === 'accepted' ? 'accepted' : reply.outcome.code,
      } }, contextFromHeaders(headers)).end();
    }
    clearTimeout(waiter.timer);
    this.waiters.delete(reply.commandId);
    waiter.resolve(reply.outcome);
  }
}
