import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '@carts/config';
import { CONSUMER_GROUPS, type TopicNames } from '@carts/contracts';
import { PartitionWriter, type Kafka } from '@carts/event-log';
import { KAFKA, TOPICS } from '../infrastructure/tokens';
import { CartCommandHandler } from './cart-command-handler';
import { KafkaPartitionStateLoader } from './partition-state-loader';

/** Runs this instance's share of the single-writer-per-partition command processor. */
@Injectable()
export class CommandProcessorService implements OnModuleInit, OnApplicationShutdown {
  readonly handler: CartCommandHandler;
  private readonly writer: PartitionWriter;

  constructor(@Inject(KAFKA) kafka: Kafka, @Inject(TOPICS) topics: TopicNames, @Inject(APP_CONFIG) config: AppConfig) {
    const prefix = config.kafka.topicPrefix;
    const clock = { now: () => new Date() };
    const loader = new KafkaPartitionStateLoader(kafka, topics, config.kafka.idempotencyRetentionMs, () => clock.now().getTime());
    this.handler = new CartCommandHandler(loader, topics, config.kafka.replyPartitions, clock, { next: () => randomUUID() });
    this.writer = new PartitionWriter(kafka, {
      groupId: CONSUMER_GROUPS.commandProcessor(prefix),
      inputTopic: topics.commands,
      transactionalIdPrefix: `${prefix}cart-command-processor`,
      progressTopic: topics.idempotency,
      maxBatch: config.commands.maxBatch,
      sessionTimeoutMs: config.commands.sessionTimeoutMs,
    }, this.handler);
  }

  onModuleInit(): Promise<void> {
    return this.writer.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.writer.stop();
  }
}
