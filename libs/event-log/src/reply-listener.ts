import type { Consumer, Kafka } from 'kafkajs';
import type { RecordHeaders } from '@carts/tracing';
import { fixedAssigner } from './fixed-assigner';
import { deleteGroupQuietly, privateGroupId } from './private-groups';

/**
 * Reads one reply partition, privately (its own group, fixed assignment), so replies reach the
 * instance that asked without every instance reading every reply. Read-committed: a reply is
 * only seen once the transaction that wrote the command's events has committed.
 */
export class ReplyListener {
  private readonly consumer: Consumer;
  private readyResolve!: () => void;
  readonly ready = new Promise<void>((resolve) => (this.readyResolve = resolve));
  private joined = false;
  private healthy = false;

  private readonly groupId: string;

  constructor(private readonly kafka: Kafka, private readonly topic: string, readonly partition: number, private readonly onReply: (value: Buffer, headers: RecordHeaders | undefined) => void) {
    this.groupId = privateGroupId(kafka, 'reply-listener');
    this.consumer = kafka.consumer({
      groupId: this.groupId,
      partitionAssigners: [fixedAssigner({ [topic]: [partition] })],
      maxWaitTimeInMs: 250,
      sessionTimeout: 10_000,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => (this.joined = true));
    // The position is only fixed ("latest") at the first fetch; commands sent before it could lose their reply.
    this.consumer.on(this.consumer.events.FETCH, () => {
      if (this.joined) { this.healthy = true; this.readyResolve(); }
    });
    this.consumer.on(this.consumer.events.CRASH, () => (this.healthy = false));
  }

  get isHealthy(): boolean {
    return this.healthy;
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: false });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) if (message.value) this.onReply(message.value, message.headers);
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await deleteGroupQuietly(this.kafka, this.groupId);
  }
}
