import type { Admin, ITopicConfig } from 'kafkajs';
import type { KafkaConfig } from '@carts/config';
import { topicNames } from '@carts/contracts';
import { createKafka } from './kafka-client';
import { checkReplication, clusterShape } from './replication-check';
import { minInsyncFor } from './replication-policy';

export interface TopicReport {
  readonly created: string[];
  readonly warnings: string[];
}

export class TopicLayoutError extends Error {}

function desiredTopics(config: KafkaConfig, rf: number): ITopicConfig[] {
  const names = topicNames(config.topicPrefix);
  // Every topic the system writes: a write is acknowledged once 2 of 3 replicas have it.
  const minIsr = { 'min.insync.replicas': String(minInsyncFor(rf)) };
  const entries = (o: Record<string, string>) => Object.entries({ ...o, ...minIsr }).map(([name, value]) => ({ name, value }));
  return [
    // The log is the source of truth: never delete, never compact.
    { topic: names.events, numPartitions: config.partitions, replicationFactor: rf,
      configEntries: entries({ 'retention.ms': '-1', 'retention.bytes': '-1', 'cleanup.policy': 'delete' }) },
    // Commands are transient: once processed their effect is in the events.
    { topic: names.commands, numPartitions: config.partitions, replicationFactor: rf,
      configEntries: entries({ 'retention.ms': String(7 * 86_400_000) }) },
    { topic: names.replies, numPartitions: config.replyPartitions, replicationFactor: rf,
      configEntries: entries({ 'retention.ms': String(3_600_000) }) },
    { topic: names.idempotency, numPartitions: config.partitions, replicationFactor: rf,
      configEntries: entries({ 'cleanup.policy': 'compact,delete', 'retention.ms': String(config.idempotencyRetentionMs) }) },
    // One record per partition, rewritten by every transaction: compaction keeps the last one and
    // nothing ever deletes it, however long the partition stays idle (see writer-progress.ts).
    { topic: names.writerProgress, numPartitions: config.partitions, replicationFactor: rf,
      configEntries: entries({ 'cleanup.policy': 'compact', 'retention.ms': '-1', 'retention.bytes': '-1' }) },
  ];
}

async function describeRetention(admin: Admin, topic: string): Promise<Record<string, string>> {
  const result = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topic }] });
  const entries = result.resources[0]?.configEntries ?? [];
  return Object.fromEntries(entries.map((e) => [e.configName, e.configValue]));
}

async function checkExisting(admin: Admin, config: KafkaConfig, visible: Set<string>, warnings: string[]): Promise<void> {
  const names = topicNames(config.topicPrefix);
  // Under ACLs a principal sees only the topics it may describe: check those (the events' always).
  const partitioned = [names.events, names.commands, names.idempotency, names.writerProgress].filter((t) => t === names.events || visible.has(t));
  const meta = await admin.fetchTopicMetadata({ topics: partitioned });
  const counts = new Map(meta.topics.map((t) => [t.name, t.partitions.length]));
  if (partitioned.some((t) => counts.get(t) !== counts.get(names.events))) {
    throw new TopicLayoutError(
      `${partitioned.join(', ')} must have the same partition count (found ${[...counts].map(([t, n]) => `${t}=${n}`).join(', ')}); a cart's commands and events must share a partition number`,
    );
  }
  const events = await describeRetention(admin, names.events);
  if (events['retention.ms'] !== '-1' || events['retention.bytes'] !== '-1' || events['cleanup.policy'] !== 'delete') {
    warnings.push(
      `!!! ${names.events} has retention.ms=${events['retention.ms']} retention.bytes=${events['retention.bytes']} cleanup.policy=${events['cleanup.policy']}: ` +
        'the event log must be kept forever (retention.ms=-1, retention.bytes=-1, cleanup.policy=delete) or replay will lose history',
    );
  }
  const progress = visible.has(names.writerProgress) ? await describeRetention(admin, names.writerProgress) : { 'cleanup.policy': 'compact' };
  if (progress['cleanup.policy'] !== 'compact') {
    warnings.push(
      `!!! ${names.writerProgress} has cleanup.policy=${progress['cleanup.policy']}: it must be compact only, or retention deletes ` +
        "an idle partition's progress record and its commands are processed again",
    );
  }
  if (counts.get(names.events) !== config.partitions) {
    warnings.push(`${names.events} has ${counts.get(names.events)} partitions, CART_PARTITIONS says ${config.partitions}; the topic wins`);
  }
}

/**
 * kafkajs' waitForLeaders retries LEADER_NOT_AVAILABLE only; a busy broker may still answer
 * UNKNOWN_TOPIC_OR_PARTITION for a topic it has just created (seen under a loaded shared broker,
 * five topics at once). The topics exist then: wait for their metadata ourselves.
 */
async function createTopics(admin: Admin, topics: ITopicConfig[]): Promise<void> {
  try {
    await admin.createTopics({ topics, waitForLeaders: true });
  } catch (error) {
    if ((error as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw error;
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
        return;
      } catch (retry) {
        if ((retry as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION' || attempt >= 50) throw retry;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }
}

/** Creates missing topics (idempotent) and reports anything that would break replay. */
export async function provisionTopics(config: KafkaConfig): Promise<TopicReport> {
  const admin = createKafka(config, 'provisioner').admin();
  await admin.connect();
  try {
    const shape = await clusterShape(admin, config);
    const existing = new Set(await admin.listTopics());
    const missing = config.manageTopics ? desiredTopics(config, shape.replicationFactor).filter((t) => !existing.has(t.topic)) : [];
    // Before creating anything: a refused start leaves the cluster as it found it.
    const replication = await checkReplication(admin, config, shape, existing, missing);
    if (replication.refusal) throw new TopicLayoutError(replication.refusal);
    if (!config.manageTopics) {
      // An administrator provisions; this principal may not even see the topics it does not use.
      const events = topicNames(config.topicPrefix).events;
      if (!existing.has(events)) {
        throw new TopicLayoutError(`${events} does not exist (or this principal may not describe it) and KAFKA_MANAGE_TOPICS=false: provision the topics as an administrator first`);
      }
      const warnings = [...replication.warnings];
      await checkExisting(admin, config, existing, warnings);
      return { created: [], warnings };
    }
    if (missing.length > 0) await createTopics(admin, missing);
    const warnings = [...replication.warnings];
    await checkExisting(admin, config, new Set([...existing, ...missing.map((t) => t.topic)]), warnings);
    return { created: missing.map((t) => t.topic), warnings };
  } finally {
    await admin.disconnect();
  }
}

/** Partition count of a topic as the cluster reports it. */
export async function partitionCount(admin: Admin, topic: string): Promise<number> {
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  return meta.topics[0].partitions.length;
}
