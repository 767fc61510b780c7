/**
 * How many copies of the log a deployment must keep, decided without Kafka (the provisioner asks
 * the cluster, this file decides). A 2xx means the events are in `cart-events`; with 3 replicas
 * and `min.insync.replicas` 2 (and `acks=all`), that stays true when any one broker dies, and the
 * partition keeps taking writes. Fewer replicas turn one broker's disk into a single point of loss.
 *
 * The local development stack is exempt: the project's own broker (`npm start`, `npm test`,
 * `npm run bench`) is one node on this machine's loopback, and cannot hold more than one replica.
 * Concretely: fewer than 3 brokers, every one of them (as the cluster advertises them, and as
 * KAFKA_BROKERS names them) on a loopback address. Anything else — a cluster of 3 or more, or any
 * broker elsewhere — is a deployment, and an under-replicated topic stops the service at start-up
 * unless KAFKA_ALLOW_UNDER_REPLICATED=true says it is meant (a single-broker staging cluster, the
 * docker compose stack).
 */

export const WANTED_REPLICATION_FACTOR = 3;
export const WANTED_MIN_INSYNC = 2;

export interface TopicReplication {
  readonly topic: string;
  /** The smallest replica count over the topic's partitions (or the planned one). */
  readonly replicationFactor: number;
  /** The topic's min.insync.replicas; undefined when this principal may not read its configs. */
  readonly minInsync?: number;
  /** Not created yet: what the provisioner is about to create. */
  readonly planned?: boolean;
}

export interface ReplicationVerdict {
  /** Set when the service must not start; the message says what is wrong and what to do. */
  readonly refusal?: string;
  readonly warnings: string[];
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/i;
const hostOf = (address: string): string => address.replace(/:\d+$/, '');

/** The local development stack: fewer than 3 brokers, all on loopback (bootstrap and advertised). */
export function isLocalDevelopmentCluster(bootstrap: readonly string[], advertisedHosts: readonly string[]): boolean {
  if (advertisedHosts.length >= WANTED_REPLICATION_FACTOR) return false;
  return [...bootstrap.map(hostOf), ...advertisedHosts].every((host) => LOOPBACK.test(host));
}

/** KAFKA_REPLICATION_FACTOR when set; else 3, or every broker of a smaller cluster (a dev broker: 1). */
export function replicationFactorFor(configured: number | undefined, brokers: number): number {
  return configured ?? Math.max(1, Math.min(WANTED_REPLICATION_FACTOR, brokers));
}

/** 2 of 3 replicas must have a write before it is acknowledged; never more than the replicas. */
export const minInsyncFor = (replicationFactor: number): number => Math.min(WANTED_MIN_INSYNC, replicationFactor);

function shortfall(t: TopicReplication): string | undefined {
  const problems: string[] = [];
  if (t.replicationFactor < WANTED_REPLICATION_FACTOR) problems.push(`replication factor ${t.replicationFactor}`);
  if (t.minInsync !== undefined && t.minInsync < WANTED_MIN_INSYNC) problems.push(`min.insync.replicas ${t.minInsync}`);
  return problems.length ? `${t.topic}${t.planned ? ' (to be created)' : ''}: ${problems.join(', ')}` : undefined;
}

export function replicationVerdict(input: { readonly local: boolean; readonly allowUnderReplicated: boolean; readonly topics: readonly TopicReplication[] }): ReplicationVerdict {
  if (input.local) return { warnings: [] };
  const short = input.topics.map(shortfall).filter((s): s is string => s !== undefined);
  if (short.length === 0) return { warnings: [] };
  const what = `under-replicated topics (a deployment needs replication factor ≥ ${WANTED_REPLICATION_FACTOR} and min.insync.replicas ≥ ${WANTED_MIN_INSYNC}): ${short.join('; ')}`;
  if (input.allowUnderReplicated) {
    return { warnings: [`!!! ${what}. Starting anyway because KAFKA_ALLOW_UNDER_REPLICATED=true: losing one broker can lose acknowledged commands or stop writes`] };
  }
  return {
    warnings: [],
    refusal:
      `refusing to start with ${what}. Fix the topics (kafka-reassign-partitions for replicas, kafka-configs --alter --add-config min.insync.replicas=${WANTED_MIN_INSYNC}), ` +
      'or unset KAFKA_REPLICATION_FACTOR to create them with 3 replicas, ' +
      'or set KAFKA_ALLOW_UNDER_REPLICATED=true if this cluster is meant to keep fewer copies (docs/operations.md#a-broker-is-lost-or-the-topics-are-under-replicated)',
  };
}
