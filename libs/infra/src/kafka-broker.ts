import { ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { withDirLock } from './dir-lock';
import { InfraError } from './infra-error';
import {
  assertFormattedBySameLine,
  brokerLogsDir,
  brokerLogTail,
  defaultDataDir,
  formatStorageOnce,
  formattedClusterId,
  jvmArgs,
  type ClusterNodeLayout,
  serverPropertiesPath,
  startupProblems,
  fatalStartupLine,
  writeServerProperties,
} from './kafka-config';
import { assertJava17, ensureKafkaJars } from './kafka-jars';
import { stopCleanly } from './kafka-stop';
import { KafkaDistribution, selectedKafka } from './kafka-version';
import { forgetPid, livePidOf, markStopping, recordPid, stoppingPidOf } from './kafka-pid-file';
import { isKafkaReady, probeKafkaCluster, probeKafkaGeneration } from './kafka-probe';
import { ensureLocalCredentials, LocalKafkaCredentials, LocalKafkaSecurityMode, readLocalCredentials, saslOf } from './kafka-security';
import { adoptChild } from './owned-processes';
import { isPortOpen, isProcessAlive, sleep, terminate, waitUntilGone } from './processes';

export { isKafkaReady } from './kafka-probe';
export { stopKafkaBroker } from './kafka-stop';

export interface KafkaBrokerOptions {
  port?: number;
  controllerPort?: number;
  dataDir?: string;
  heapMb?: number;
  log?: (line: string) => void;
  readyTimeoutMs?: number;
  /** "4" (default), "3.9", or an exact version of either; else KAFKA_VERSION decides. */
  kafkaVersion?: string;
  /**
   * 'scram': SASL/SCRAM-SHA-512 on the client listener, ACLs on (StandardAuthorizer), one user per
   * service (kafka-security.ts); its own default data directory (`<port>-scram`). Default plaintext.
   */
  security?: LocalKafkaSecurityMode;
  /** One node of a cluster (see kafka-cluster.ts): its id, the quorum, and the cluster's id to format with. */
  cluster?: ClusterNodeLayout & { readonly clusterId: string };
}

export interface KafkaBrokerHandle {
  readonly brokers: string[];
  readonly startedHere: boolean;
  readonly pid?: number;
  /** The exact Kafka version started here; undefined for a reused broker (it was not asked). */
  readonly version?: string;
  /** A secured broker's users (the admin is a super user: provisioning and ACLs only). */
  readonly credentials?: LocalKafkaCredentials;
  /** Clean SIGTERM, SIGKILL after 30 s; resolves once the process is gone. No-op if reused. */
  stop(): Promise<void>;
  /** For failure tests: SIGKILL (default), SIGSTOP, SIGCONT... Only for a broker started here. */
  kill(signal?: NodeJS.Signals): void;
}

interface Settings {
  readonly port: number;
  readonly controllerPort: number;
  readonly dataDir: string;
  readonly heapMb: number;
  readonly log: (line: string) => void;
  readonly readyTimeoutMs: number;
  readonly kafka: KafkaDistribution;
  readonly credentials?: LocalKafkaCredentials;
  readonly node?: ClusterNodeLayout;
  readonly clusterId?: string;
}

// Another process's start may include the first jar download, which can take minutes.
const START_LOCK_TIMEOUT_MS = 15 * 60_000;
const defaultLog = (line: string): void => void process.stderr.write(`[kafka] ${line}\n`);

function settingsFrom(opts: KafkaBrokerOptions): Settings {
  const port = opts.port ?? 9092;
  const kafka = selectedKafka(opts.kafkaVersion);
  const secured = opts.security === 'scram';
  if (secured && opts.cluster) throw new InfraError('KAFKA_START_FAILED', 'The secured local broker (SASL/SCRAM and ACLs) is a single node: start a cluster plaintext.');
  const dataDir = opts.dataDir ?? defaultDataDir(kafka.line, port, secured);
  return {
    port,
    kafka,
    credentials: secured ? securedCredentials(dataDir) : plaintextOnly(dataDir),
    controllerPort: opts.controllerPort ?? port + 1,
    dataDir,
    heapMb: opts.heapMb ?? 512,
    log: opts.log ?? defaultLog,
    readyTimeoutMs: opts.readyTimeoutMs ?? 90_000,
    node: opts.cluster,
    clusterId: opts.cluster?.clusterId,
  };
}

/** A data directory formatted without SCRAM users cannot gain them later (they are format-time). */
function securedCredentials(dataDir: string): LocalKafkaCredentials {
  const formatted = formattedClusterId(dataDir) !== undefined;
  const existing = readLocalCredentials(dataDir);
  if (formatted && !existing) {
    throw new InfraError('KAFKA_START_FAILED', `${dataDir} holds a plaintext broker's data (no SCRAM users): start the secured broker on another data directory.`);
  }
  return existing ?? ensureLocalCredentials(dataDir);
}

function plaintextOnly(dataDir: string): undefined {
  if (readLocalCredentials(dataDir)) {
    throw new InfraError('KAFKA_START_FAILED', `${dataDir} holds a secured broker's data (SASL/SCRAM and ACLs): start it secured (npm run kafka -- start --secure).`);
  }
  return undefined;
}

/**
 * A broker for this process: one already answering on the port is reused as is; otherwise a
 * single-node KRaft broker is started from the Maven Central jars, on the given data directory.
 */
export async function ensureKafkaBroker(opts: KafkaBrokerOptions = {}): Promise<KafkaBrokerHandle> {
  const settings = settingsFrom(opts);
  const brokers = [`127.0.0.1:${settings.port}`];
  await waitForStoppingBroker(settings);
  if (await isAnswering(brokers, settings)) return reusedHandle(brokers, settings);
  const lock = {
    dir: settings.dataDir,
    name: 'start',
    timeoutMs: START_LOCK_TIMEOUT_MS,
    onWait: (owner?: number) => settings.log(`Waiting for pid ${owner} to finish starting the broker in ${settings.dataDir}`),
  };
  return withDirLock(lock, async () => {
    if (await isAnswering(brokers, settings)) return reusedHandle(brokers, settings);
    const pid = livePidOf(settings.dataDir);
    if (pid === undefined) return startBroker(settings, brokers);
    // Started from this directory by another process: still starting, hung, or shutting down
    // (a process that exited sends its broker SIGTERM without waiting). Reuse it once it answers;
    // once it is gone, start afresh rather than fail, as Kafka's own log-directory lock would.
    settings.log(`Waiting for the Kafka broker pid ${pid} (started elsewhere) on ${brokers[0]}`);
    try {
      await waitUntilReady(brokers, settings, () => !isProcessAlive(pid));
      return reusedHandle(brokers, settings);
    } catch (error) {
      if (isProcessAlive(pid)) throw error;
      settings.log(`The Kafka broker pid ${pid} exited without answering (it was stopping); starting a new one`);
      return startBroker(settings, brokers);
    }
  });
}

/** A broker of this directory abandoned by an exiting process still answers for a moment. */
async function waitForStoppingBroker(settings: Settings): Promise<void> {
  const pid = stoppingPidOf(settings.dataDir);
  if (pid === undefined) return;
  settings.log(`Waiting for the Kafka broker pid ${pid} in ${settings.dataDir} to finish stopping`);
  if (!(await waitUntilGone(pid, 60_000))) {
    throw new InfraError('KAFKA_START_FAILED', `The Kafka broker pid ${pid} in ${settings.dataDir} was told to stop but still runs after 60 s.`);
  }
  stoppingPidOf(settings.dataDir);
}

async function isAnswering(brokers: string[], settings: Settings): Promise<boolean> {
  const sasl = settings.credentials ? saslOf(settings.credentials.admin) : undefined;
  if (!(await isPortOpen(settings.port)) || !(await isKafkaReady(brokers, 5000, sasl))) return false;
  // Reused as is (it may serve others), but a broker of another line than asked for is said.
  const seen = await probeKafkaGeneration('127.0.0.1', settings.port);
  const wanted = settings.kafka.line === '4' ? '4.x' : '3.x or older';
  const other = `, not the Kafka ${settings.kafka.version} asked for: stop it or pick another port to run ${settings.kafka.version}`;
  settings.log(`Reusing the Kafka broker already answering on ${brokers[0]} (Kafka ${seen ?? 'of unknown version'}${seen && seen !== wanted ? other : ''})`);
  return true;
}

async function startBroker(settings: Settings, brokers: string[]): Promise<KafkaBrokerHandle> {
  const started = Date.now();
  assertFormattedBySameLine(settings.kafka, settings.dataDir);
  await assertJava17();
  await ensureKafkaJars(settings.kafka, settings.log);
  writeServerProperties(settings);
  await formatStorageOnce(settings.kafka, settings.dataDir, settings.log, settings.clusterId, settings.credentials);
  const child = spawnBroker(settings);
  const pid = child.pid as number;
  const how = settings.credentials ? 'SASL/SCRAM and ACLs' : 'plaintext';
  settings.log(`Starting Kafka ${settings.kafka.version} broker (${how}) on ${brokers[0]} (pid ${pid}, data in ${settings.dataDir})`);
  let answered: 'ours' | 'foreign';
  try {
    answered = await waitUntilReady(brokers, settings, () => hasExited(child), child);
  } catch (error) {
    await terminate(pid, { graceMs: 5000, child });
    forgetPid(settings.dataDir, pid);
    throw error;
  }
  if (answered === 'foreign') {
    // A broker from another data directory bound the port first; ours cannot, so use that one.
    settings.log(`Another Kafka broker took ${brokers[0]} while ours was starting; reusing it`);
    await terminate(pid, { graceMs: 5000, child });
    forgetPid(settings.dataDir, pid);
    return reusedHandle(brokers, settings);
  }
  settings.log(`Kafka broker ready on ${brokers[0]} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  const problems = startupProblems(settings.dataDir);
  if (problems.length) settings.log(`WARNING: the broker reported while starting (${brokerLogsDir(settings.dataDir)}):\n${problems.join('\n')}`);
  return ownedHandle(child, brokers, settings);
}

function spawnBroker(settings: Settings): ChildProcess {
  const stdoutLog = join(brokerLogsDir(settings.dataDir), 'stdout.log');
  appendFileSync(stdoutLog, `\n--- broker start ${new Date().toISOString()} ---\n`);
  const fd = openSync(stdoutLog, 'a');
  try {
    const args = [...jvmArgs(settings), 'kafka.Kafka', serverPropertiesPath(settings.dataDir)];
    const child = spawn('java', args, { cwd: settings.dataDir, stdio: ['ignore', fd, fd] });
    // Spawn failures surface as an early exit in waitUntilReady; this only avoids a crash.
    child.on('error', (error) => appendFileSync(stdoutLog, `spawn failed: ${error.message}\n`));
    // The caller's stop() owns the lifetime; the handle alone must not keep Node running.
    child.unref();
    recordPid(settings.dataDir, child.pid as number);
    adoptChild(child, 'SIGTERM', () => markStopping(settings.dataDir, child.pid as number));
    return child;
  } finally {
    closeSync(fd);
  }
}

/**
 * Polls until a broker answers on the port: 'ours' when its cluster id is this data directory's
 * (or we did not start it), 'foreign' when some other broker answers instead.
 */
async function waitUntilReady(
  brokers: string[],
  settings: Settings,
  exited: () => boolean,
  child?: ChildProcess,
): Promise<'ours' | 'foreign'> {
  const deadline = Date.now() + settings.readyTimeoutMs;
  const expected = child ? formattedClusterId(settings.dataDir) : undefined;
  for (;;) {
    if (exited()) {
      const how = child ? ` (exit code ${child.exitCode}, signal ${child.signalCode})` : '';
      throw startFailure(`The Kafka broker on ${brokers[0]} exited before becoming ready${how}.`, settings.dataDir);
    }
    const fatal = child ? fatalStartupLine(settings.dataDir) : undefined;
    if (fatal) throw startFailure(`The Kafka broker on ${brokers[0]} failed before becoming ready ("${fatal}"); it was stopped rather than waited for.`, settings.dataDir);
    const clusterId = await probeKafkaCluster(brokers, 2000, settings.credentials ? saslOf(settings.credentials.admin) : undefined);
    if (clusterId !== undefined) return expected === undefined || clusterId === expected ? 'ours' : 'foreign';
    if (Date.now() > deadline) {
      const msg = `The Kafka broker on ${brokers[0]} was not ready after ${settings.readyTimeoutMs} ms.`;
      throw startFailure(msg, settings.dataDir);
    }
    await sleep(500);
  }
}

function startFailure(message: string, dataDir: string): InfraError {
  const logs = brokerLogsDir(dataDir);
  return new InfraError(
    'KAFKA_START_FAILED',
    `${message} Full logs in ${logs}. Last lines of stdout.log:\n${brokerLogTail(dataDir)}`,
  );
}

function ownedHandle(child: ChildProcess, brokers: string[], settings: Settings): KafkaBrokerHandle {
  const pid = child.pid as number;
  const { dataDir, log } = settings;
  let stopping: Promise<void> | undefined;
  return {
    brokers,
    startedHere: true,
    pid,
    version: settings.kafka.version,
    credentials: settings.credentials,
    stop: () => (stopping ??= stopCleanly(pid, dataDir, log, child).then(() => forgetPid(dataDir, pid))),
    kill: (signal = 'SIGKILL') => {
      if (!hasExited(child)) process.kill(pid, signal);
    },
  };
}

function reusedHandle(brokers: string[], settings: Settings): KafkaBrokerHandle {
  return {
    brokers,
    startedHere: false,
    credentials: settings.credentials,
    stop: async () => undefined,
    kill: () => {
      throw new InfraError('KAFKA_NOT_OWNED', `The broker on ${brokers[0]} was not started here; refusing to signal it.`);
    },
  };
}

const hasExited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;
