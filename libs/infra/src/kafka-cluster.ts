import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureKafkaBroker, type KafkaBrokerHandle } from './kafka-broker';
import { formattedClusterId, newClusterId } from './kafka-config';
import { probeKafkaBrokerCount } from './kafka-probe';
import { InfraError } from './infra-error';
import { assertJava17, ensureKafkaJars } from './kafka-jars';
import { selectedKafka } from './kafka-version';
import { sleep } from './processes';

/**
 * A KRaft cluster of several nodes on loopback, from the same jars as the single broker: every
 * node is broker and controller ("combined"), all of them voters of a static quorum, each with its
 * own node id, ports and data directory, all formatted with one cluster id. With 3 nodes the
 * internal topics keep 3 replicas and writes need 2 (kafka-config.ts), so any one node may die.
 *
 * Node i (1-based) listens on basePort + 2(i-1) for clients and the port after it for the
 * controller quorum; its data lives in `<dataDir>/node-<i>`.
 */
export interface KafkaClusterOptions {
  readonly size: number;
  readonly basePort: number;
  readonly dataDir: string;
  readonly kafkaVersion?: string;
  readonly heapMb?: number;
  readonly readyTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface KafkaClusterNode {
  readonly nodeId: number;
  /** host:port of its client listener. */
  readonly address: string;
  /** The running broker process's pid; undefined while it is down or when it was reused. */
  readonly pid: number | undefined;
  /** For failure tests: SIGKILL (default) or another signal to this node's JVM. */
  kill(signal?: NodeJS.Signals): void;
  /** Starts the node again on its data directory (after a kill or a stop); resolves once it answers. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface KafkaClusterHandle {
  readonly clusterId: string;
  /** Every node's client address: the bootstrap list (KAFKA_BROKERS). */
  readonly brokers: string[];
  readonly nodes: readonly KafkaClusterNode[];
  readonly version?: string;
  /** Stops every node started here (cleanly, one after the other is not needed: all at once). */
  stop(): Promise<void>;
}

const MAX_NODES = 9;

export const clusterNodePorts = (basePort: number, nodeId: number): { port: number; controllerPort: number } => ({
  port: basePort + 2 * (nodeId - 1),
  controllerPort: basePort + 2 * (nodeId - 1) + 1,
});

/** The one cluster id of the nodes' data directories; a new one when none is formatted yet. */
function clusterIdOf(dataDir: string, size: number): string {
  const ids = new Set<string>();
  for (let id = 1; id <= size; id++) {
    const found = formattedClusterId(join(dataDir, `node-${id}`));
    if (found) ids.add(found);
  }
  if (ids.size > 1) {
    throw new InfraError('KAFKA_START_FAILED', `The nodes in ${dataDir} were formatted for different clusters (${[...ids].join(', ')}): remove the directory to start afresh.`);
  }
  return [...ids][0] ?? newClusterId();
}

/**
 * The quorum's voters are fixed when the nodes are formatted: a directory made for 3 nodes cannot
 * be started as 5 (the new nodes would vote in a quorum the old ones do not know).
 */
function assertSameSize(dataDir: string, size: number): void {
  const file = join(dataDir, 'cluster-size');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${size}\n`);
    return;
  }
  const formatted = Number(readFileSync(file, 'utf8').trim());
  if (formatted !== size) {
    throw new InfraError('KAFKA_START_FAILED', `${dataDir} holds a cluster of ${formatted} nodes, not ${size}: start it with --brokers ${formatted}, or remove the directory to start afresh.`);
  }
}

/** Starts (or reuses, node by node) a cluster and waits until every node is a live broker of it. */
export async function ensureKafkaCluster(options: KafkaClusterOptions): Promise<KafkaClusterHandle> {
  const { size, basePort, dataDir } = options;
  if (!Number.isInteger(size) || size < 2 || size > MAX_NODES) throw new InfraError('KAFKA_START_FAILED', `A cluster has 2 to ${MAX_NODES} nodes, not ${size}.`);
  const log = options.log ?? ((line: string) => void process.stderr.write(`[kafka] ${line}\n`));
  assertSameSize(dataDir, size);
  const clusterId = clusterIdOf(dataDir, size);
  // Once, before the nodes start in parallel: concurrent fetches from one process share a scratch folder.
  await assertJava17();
  await ensureKafkaJars(selectedKafka(options.kafkaVersion), log);
  const ids = Array.from({ length: size }, (_, i) => i + 1);
  const voters = ids.map((id) => `${id}@127.0.0.1:${clusterNodePorts(basePort, id).controllerPort}`).join(',');
  const handles = new Map<number, KafkaBrokerHandle>();
  const startNode = async (nodeId: number): Promise<void> => {
    const handle = await ensureKafkaBroker({
      ...clusterNodePorts(basePort, nodeId),
      dataDir: join(dataDir, `node-${nodeId}`),
      kafkaVersion: options.kafkaVersion,
      heapMb: options.heapMb ?? 384,
      readyTimeoutMs: options.readyTimeoutMs ?? 180_000,
      log: (line) => log(`node ${nodeId}: ${line}`),
      cluster: { nodeId, voters, size, clusterId },
    });
    handles.set(nodeId, handle);
  };
  const brokers = ids.map((id) => `127.0.0.1:${clusterNodePorts(basePort, id).port}`);
  const stopAll = async (): Promise<void> => void (await Promise.all([...handles.values()].map((h) => h.stop())));
  // All at once: a combined node cannot answer before a majority of the quorum runs.
  const started = await Promise.allSettled(ids.map(startNode));
  const failure = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    await stopAll();
    throw failure.reason;
  }
  await waitForBrokers(brokers, size, options.readyTimeoutMs ?? 180_000).catch(async (error) => {
    await stopAll();
    throw error;
  });
  log(`Kafka cluster ${clusterId}: ${size} nodes on ${brokers.join(',')}, data in ${dataDir}`);
  const nodes = ids.map((nodeId): KafkaClusterNode => ({
    nodeId,
    address: brokers[nodeId - 1],
    get pid() {
      return handles.get(nodeId)?.pid;
    },
    kill: (signal) => handles.get(nodeId)?.kill(signal),
    start: () => startNode(nodeId),
    stop: async () => handles.get(nodeId)?.stop(),
  }));
  return { clusterId, brokers, nodes, version: handles.get(1)?.version, stop: stopAll };
}

/** Until the cluster's metadata lists every node as a broker (each registered and unfenced). */
async function waitForBrokers(brokers: string[], size: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  while ((seen = await probeKafkaBrokerCount(brokers)) < size) {
    if (Date.now() > deadline) throw new InfraError('KAFKA_START_FAILED', `The cluster on ${brokers.join(',')} has ${seen} of ${size} brokers after ${timeoutMs} ms.`);
    await sleep(500);
  }
}
