import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '@carts/config';
import { CONSUMER_GROUPS, type TopicNames } from '@carts/contracts';
import { PartitionWriter, partitionForKey, withLogAdmin, type Kafka } from '@carts/event-log';
import { trackPartitions, writerMetrics } from '../infrastructure/command-metrics';
import { KAFKA, TOPICS } from '../infrastructure/tokens';
import { CartCommandHandler, type CommandPartitioning } from './cart-command-handler';
import { PartitionRestorer } from './partition-restore';
import { StandbyTailer } from './standby-tailer';

/**
 * The gateway's producer partitions by the topic's own partition count, which wins over
 * CART_PARTITIONS (topic-provisioner.ts): read once, at the first restore (the broker answers
 * then), rather than at start, which must not need the broker.
 */
function commandPartitioning(kafka: Kafka, topic: string): CommandPartitioning {
  let count: number | undefined;
  return {
    ready: async () => {
      count ??= await withLogAdmin(kafka, (admin) => admin.partitionCount(topic));
    },
    of: (cartId) => {
      if (count === undefined) throw new Error('the partition count of cart-commands is not known before the first restore');
      return partitionForKey(cartId, count);
    },
  };
}

/** Runs this instance's share of the single-writer-per-partition command processor. */
@Injectable()
export class CommandProcessorService implements OnModuleInit, OnApplicationShutdown {
  private readonly handler: CartCommandHandler;
  private readonly writer: PartitionWriter;
  private readonly standby: StandbyTailer | undefined;

  constructor(@Inject(KAFKA) kafka: Kafka, @Inject(TOPICS) topics: TopicNames, @Inject(APP_CONFIG) config: AppConfig) {
    const prefix = config.kafka.topicPrefix;
    const clock = { now: () => new Date() };
    const now = () => clock.now().getTime();
    const retention = config.kafka.idempotencyRetentionMs;
    this.standby = config.commands.standbyReplicas
      ? new StandbyTailer(kafka, { topics, partitions: config.kafka.partitions, idempotencyRetentionMs: retention, now })
      : undefined;
    const restorer = new PartitionRestorer(kafka, topics, retention, now, this.standby);
    this.handler = new CartCommandHandler(restorer, topics, config.kafka.replyPartitions, clock, { next: () => randomUUID() }, commandPartitioning(kafka, topics.commands));
    this.writer = new PartitionWriter(kafka, {
      groupId: CONSUMER_GROUPS.commandProcessor(prefix),
      inputTopic: topics.commands,
      transactionalIdPrefix: `${prefix}cart-command-processor`,
      progressTopic: topics.writerProgress,
      maxBatch: config.commands.maxBatch,
      sessionTimeoutMs: config.commands.sessionTimeoutMs,
      logger: new Logger('PartitionWriter'),
      observer: writerMetrics,
    }, this.handler);
    trackPartitions(() => this.handler.ownedPartitions.length, () => this.standby?.size ?? 0);
  }

  onModuleInit(): Promise<void> {
    // Not awaited: the standby warms up in the background (joining its group takes a while) and
    // a takeover before it is warm just reads more of the log.
    void this.standby?.start();
    return this.writer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    try {
      await this.writer.stop();
    } finally {
      await this.standby?.stop();
    }
  }
}
