/** `npm run kafka -- start|stop|status --brokers N`: a local multi-node cluster (libs/infra/src/kafka-cluster.ts). */
import { join } from 'node:path';
import { clusterNodePorts, ensureKafkaCluster, stopKafkaBroker } from '../libs/infra/src';
import { probeKafkaBrokerCount } from '../libs/infra/src/kafka-probe';
import { selectedKafka } from '../libs/infra/src/kafka-version';
import { localDir } from '../libs/infra/src/repo-root';
import { runUntilSignal } from './run-until-signal';

/** Clients on 9192, 9194, 9196 (controllers one above each): clear of the single broker's 9092/9093 and the secured 9096. */
export const DEFAULT_CLUSTER_PORT = 9192;

export function parseClusterSize(value: string | undefined): number {
  if (value === undefined) return 1;
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1 || size > 9) throw new Error(`invalid --brokers: ${value} (1 to 9; 3 for a cluster that survives the loss of a broker)`);
  return size;
}

const clusterDir = (port: number, kafkaVersion: string | undefined): string => localDir('kafka', selectedKafka(kafkaVersion).line, `cluster-${port}`);
const addresses = (size: number, port: number): string[] =>
  Array.from({ length: size }, (_, i) => `127.0.0.1:${clusterNodePorts(port, i + 1).port}`);

export async function startCluster(size: number, port: number, kafkaVersion: string | undefined): Promise<void> {
  const dataDir = clusterDir(port, kafkaVersion);
  const cluster = await ensureKafkaCluster({ size, basePort: port, dataDir, kafkaVersion, log: (line) => console.log(line) });
  const pids = cluster.nodes.map((n) => n.pid);
  if (pids.every((pid) => pid === undefined)) {
    console.log(`A cluster already answers on ${cluster.brokers.join(',')}; it is not managed by this command.`);
    return;
  }
  console.log(`Kafka ${cluster.version ?? ''} cluster of ${size} running: KAFKA_BROKERS=${cluster.brokers.join(',')} (pids ${pids.join(', ')}). Ctrl-C stops it.`);
  await runUntilSignal(pids, () => cluster.stop());
}

export async function stopCluster(size: number, port: number, kafkaVersion: string | undefined): Promise<void> {
  const dataDir = clusterDir(port, kafkaVersion);
  const stopped = await Promise.all(
    Array.from({ length: size }, (_, i) => stopKafkaBroker({ port: clusterNodePorts(port, i + 1).port, dataDir: join(dataDir, `node-${i + 1}`), log: (line) => console.log(line) })),
  );
  console.log(`Stopped ${stopped.filter(Boolean).length} of ${size} nodes of the cluster on ${addresses(size, port).join(',')}.`);
}

export async function clusterStatus(size: number, port: number): Promise<void> {
  const live = await probeKafkaBrokerCount(addresses(size, port));
  console.log(live >= size ? `Kafka cluster ready: ${live} brokers on ${addresses(size, port).join(',')}.` : `${live} of ${size} brokers answer on ${addresses(size, port).join(',')}.`);
  process.exitCode = live >= size ? 0 : 1;
}
