import { ConfigResourceTypes, type Admin, type ITopicConfig } from 'kafkajs';
import type { KafkaConfig } from '@carts/config';
import { topicNames } from '@carts/contracts';
import { isLocalDevelopmentCluster, replicationFactorFor, replicationVerdict, type TopicReplication } from './replication-policy';

/** Kafka's own topics the writer depends on: transaction markers and the consumed command offsets. */
const INTERNAL_TOPICS = ['__transaction_state', '__consumer_offsets'];

export interface ClusterShape {
  readonly local: boolean;
  /** The replication factor of topics created now (KAFKA_REPLICATION_FACTOR, or from the broker count). */
  readonly replicationFactor: number;
}

export async function clusterShape(admin: Admin, config: KafkaConfig): Promise<ClusterShape> {
  const { brokers } = await admin.describeCluster();
  return {
    local: isLocalDevelopmentCluster(config.brokers, brokers.map((b) => b.host)),
    replicationFactor: replicationFactorFor(config.replicationFactor, brokers.length),
  };
}

async function minInsyncOf(admin: Admin, topics: string[]): Promise<Map<string, number>> {
  if (topics.length === 0) return new Map();
  const result = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['min.insync.replicas'] })),
  });
  return new Map(result.resources.flatMap((r) => {
    const value = r.configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue;
    return value === undefined ? [] : [[r.resourceName, Number(value)] as [string, number]];
  }));
}

/**
 * Outside the local development stack, the replicas and min.insync.replicas of every topic the
 * system writes (those it may see) and of those it is about to create; see replication-policy.ts.
 * Returns warnings, or throws the refusal. min.insync.replicas is read where the principal may
 * describe configs: every project topic when it manages topics, else cart-events and
 * cart-writer-progress (the ACLs grant DESCRIBE_CONFIGS there); Kafka's internal topics by
 * their replicas only.
 */
export async function checkReplication(
  admin: Admin,
  config: KafkaConfig,
  shape: ClusterShape,
  visible: ReadonlySet<string>,
  planned: readonly ITopicConfig[],
): Promise<{ refusal?: string; warnings: string[] }> {
  if (shape.local) return { warnings: [] };
  const names = topicNames(config.topicPrefix);
  const ours = Object.values(names).filter((t) => visible.has(t));
  const watched = [...ours, ...INTERNAL_TOPICS.filter((t) => visible.has(t))];
  const meta = watched.length > 0 ? await admin.fetchTopicMetadata({ topics: watched }) : { topics: [] };
  const describable = config.manageTopics ? ours : ours.filter((t) => t === names.events || t === names.writerProgress);
  const minInsync = await minInsyncOf(admin, describable);
  const topics: TopicReplication[] = [
    ...meta.topics.map((t) => ({
      topic: t.name,
      replicationFactor: Math.min(...t.partitions.map((p) => p.replicas.length)),
      minInsync: minInsync.get(t.name),
    })),
    ...planned.map((t) => ({
      topic: t.topic,
      replicationFactor: t.replicationFactor ?? shape.replicationFactor,
      minInsync: Number(t.configEntries?.find((e) => e.name === 'min.insync.replicas')?.value),
      planned: true,
    })),
  ];
  return replicationVerdict({ local: false, allowUnderReplicated: config.allowUnderReplicated, topics });
}
