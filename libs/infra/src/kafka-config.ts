import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from './infra-error';
import { assertSameLine, formattedVersion, recordFormattedVersion } from './kafka-data-version';
import { addScramArgs, LocalKafkaCredentials, securedListenerSettings } from './kafka-security';
import { KafkaDistribution, KafkaLine } from './kafka-version';
import { localDir } from './repo-root';
import { runCommand, tailFile } from './processes';

export interface BrokerLayout {
  readonly port: number;
  readonly controllerPort: number;
  readonly dataDir: string;
  /** SASL/SCRAM on the client listener and ACLs on (see kafka-security.ts); plaintext without. */
  readonly credentials?: LocalKafkaCredentials;
  /** One node of a multi-node cluster (kafka-cluster.ts); a single node when absent. */
  readonly node?: ClusterNodeLayout;
}

export interface ClusterNodeLayout {
  readonly nodeId: number;
  /** Every node's `id@host:controllerPort`: the static controller quorum, the same on every node. */
  readonly voters: string;
  /** How many nodes the cluster has: the internal topics' replication factor (at most 3). */
  readonly size: number;
}

/** One data directory per version line and port: a 4.x start never touches 3.9's data (and back). */
export const defaultDataDir = (line: KafkaLine, port: number, secured = false): string =>
  localDir('kafka', line, secured ? `${port}-scram` : String(port));
export const serverPropertiesPath = (dataDir: string): string => join(dataDir, 'server.properties');
export const brokerLogsDir = (dataDir: string): string => join(dataDir, 'logs');
export const brokerPidPath = (dataDir: string): string => join(dataDir, 'broker.pid');
const logDataDir = (dataDir: string): string => join(dataDir, 'data');

/**
 * A KRaft cluster id made the way Kafka's `Uuid.randomUuid()` makes one: a random (version 4)
 * UUID as 22 characters of base64url, drawn again while it begins with "-" (a command-line
 * parser would read it as an option: 1 id in 64). The version bits rule out Kafka's reserved
 * ids (all zeros, and 1).
 */
export function newClusterId(random: () => Buffer = () => randomBytes(16)): string {
  for (;;) {
    const bytes = random();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const id = bytes.toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * Replication of the internal topics (consumer offsets, transaction state) and the defaults for
 * topics: one broker can only hold one replica; a cluster of 3 or more keeps 3, and a write needs
 * 2 of them (`acks=all`), so losing any one broker loses no acknowledged write and blocks none.
 */
function replicationSettings(size: number): Record<string, number> {
  const rf = Math.min(3, size);
  const minIsr = Math.min(2, rf);
  return {
    'offsets.topic.replication.factor': rf,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': minIsr,
    'default.replication.factor': rf,
    'min.insync.replicas': minIsr,
  };
}

/**
 * KRaft, broker and controller in one JVM ("combined"), loopback only: a single node, or one node
 * of a cluster whose nodes are all voters of the controller quorum. Sized for a 2-core box that
 * also runs Postgres, the services and the tests.
 */
export function serverProperties({ port, controllerPort, dataDir, credentials, node }: BrokerLayout): string {
  const settings: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': node?.nodeId ?? 1,
    'controller.quorum.voters': node?.voters ?? `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': logDataDir(dataDir),
    // A single broker holds one replica of everything; a cluster three (see replicationSettings).
    ...replicationSettings(node?.size ?? 1),
    // Never elect a replica that missed acknowledged writes (Kafka's default, said out loud).
    'unclean.leader.election.enable': false,
    // Fewer internal partitions: creating and loading 50 of each costs seconds on 2 cores.
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.num.partitions': 10,
    // Topics are created deliberately by the application, never by a typo in a consumer.
    'auto.create.topics.enable': 'false',
    'num.partitions': 1,
    // Tests join and leave groups constantly; waiting for more members only slows them down.
    'group.initial.rebalance.delay.ms': 0,
    // Lets failover tests use short consumer session timeouts.
    'group.min.session.timeout.ms': 1000,
    // After a crash (failure tests SIGKILL the broker) the restarted broker cannot register until
    // the dead incarnation's session expires; the 9 s default makes every such restart slow.
    'broker.session.timeout.ms': 4000,
    'broker.heartbeat.interval.ms': 1000,
    'num.network.threads': 2,
    'num.io.threads': 4,
    'num.recovery.threads.per.data.dir': 1,
    'background.threads': 4,
    'log.cleaner.threads': 1,
    ...(credentials ? securedListenerSettings(port, controllerPort, credentials.admin) : {}),
  };
  const body = Object.entries(settings).map(([key, value]) => `${key}=${value}`);
  return ['# Written by libs/infra/src/kafka-config.ts on every start; edits are overwritten.', ...body, ''].join('\n');
}

export function writeServerProperties(layout: BrokerLayout): string {
  mkdirSync(brokerLogsDir(layout.dataDir), { recursive: true });
  const file = serverPropertiesPath(layout.dataDir);
  // 0600: a secured broker's file holds the administrator's password.
  writeFileSync(file, serverProperties(layout), { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

/** JVM flags shared by the broker and the storage tool; `*` is expanded by java, not a shell. */
export function jvmArgs(opts: { heapMb: number; kafka: KafkaDistribution; dataDir: string }): string[] {
  return [
    `-Xmx${opts.heapMb}m`,
    `-Xms${opts.heapMb}m`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    ...opts.kafka.loggingArgs('broker'),
    `-Dkafka.logs.dir=${brokerLogsDir(opts.dataDir)}`,
    '-cp',
    join(opts.kafka.libDir, '*'),
  ];
}

/** Throws KAFKA_VERSION_MISMATCH when another version line formatted the directory. */
export function assertFormattedBySameLine(kafka: KafkaDistribution, dataDir: string): void {
  const formatted = existsSync(join(logDataDir(dataDir), 'meta.properties'));
  assertSameLine(dataDir, formattedVersion(dataDir, formatted), kafka);
}

/**
 * Formats the log directory unless an earlier start already did (meta.properties exists), and
 * refuses a directory formatted by another version line. Static quorum (controller.quorum.voters)
 * on both lines: 4.x's dynamic quorum (`format --standalone`) buys nothing for a fixed dev node.
 */
export async function formatStorageOnce(
  kafka: KafkaDistribution,
  dataDir: string,
  log: (line: string) => void,
  clusterId = newClusterId(),
  credentials?: LocalKafkaCredentials,
): Promise<void> {
  assertFormattedBySameLine(kafka, dataDir);
  if (existsSync(join(logDataDir(dataDir), 'meta.properties'))) return;
  log(`Formatting KRaft storage for Kafka ${kafka.version} in ${logDataDir(dataDir)} (cluster id ${clusterId})`);
  const args = [
    ...jvmArgs({ heapMb: 256, kafka, dataDir }),
    'kafka.tools.StorageTool',
    'format',
    // One token: any id (even one from elsewhere that begins with "-") is the option's value.
    `--cluster-id=${clusterId}`,
    `--config=${serverPropertiesPath(dataDir)}`,
    // SCRAM users go into the bootstrap metadata: they exist before any client connects (KIP-900).
    ...(credentials ? addScramArgs(credentials) : []),
  ];
  const { code, output } = await runCommand('java', args);
  if (code !== 0) {
    const shown = credentials ? redact(output, credentials) : output;
    throw new InfraError('KAFKA_FORMAT_FAILED', `kafka.tools.StorageTool format failed (exit ${code}):\n${shown}`);
  }
  recordFormattedVersion(dataDir, kafka);
}

/** The cluster id the storage tool wrote, to tell our broker from another on the same port. */
export function formattedClusterId(dataDir: string): string | undefined {
  const file = join(logDataDir(dataDir), 'meta.properties');
  if (!existsSync(file)) return undefined;
  return /^cluster\.id=(.+)$/m.exec(readFileSync(file, 'utf8'))?.[1]?.trim();
}

/**
 * Errors and corruption reports the broker wrote to stdout.log (WARN and above) since its last
 * start: a restart that recovered a damaged log (say, `CorruptRecordException: Found record size
 * 0` in __cluster_metadata-0) keeps serving, so nobody would look unless the launcher says so.
 */
export function startupProblems(dataDir: string): string[] {
  const text = tailFile(join(brokerLogsDir(dataDir), 'stdout.log'), 2000);
  const sinceStart = text.slice(text.lastIndexOf('--- broker start'));
  return sinceStart.split('\n').filter((line) => /\] ERROR |Corrupt/.test(line)).slice(0, 10);
}

/**
 * The line a broker logs when its start-up failed for good ("Exiting Kafka due to fatal
 * exception…"), since its last start. The JVM then runs its shutdown hooks before it exits, which
 * on a loaded machine can take longer than any ready timeout: this line, not the exit, is the
 * failure.
 */
export function fatalStartupLine(dataDir: string): string | undefined {
  const text = tailFile(join(brokerLogsDir(dataDir), 'stdout.log'), 2000);
  const sinceStart = text.slice(text.lastIndexOf('--- broker start'));
  return sinceStart.split('\n').find((line) => /Exiting Kafka due to fatal exception/.test(line))?.trim();
}

export function brokerLogTail(dataDir: string, lines = 30): string {
  return tailFile(join(brokerLogsDir(dataDir), 'stdout.log'), lines);
}

/** Never let a password reach a log line or an error message. */
function redact(text: string, credentials: LocalKafkaCredentials): string {
  const secrets = [credentials.admin, ...Object.values(credentials.services)].map((c) => c.password);
  return secrets.reduce((out, secret) => out.split(secret).join('<redacted>'), text);
}
