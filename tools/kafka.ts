/**
 * Local Kafka broker from the command line (Kafka 4.x unless KAFKA_VERSION=3.9 or
 * --kafka-version 3.9 says otherwise):
 *   node dist/tools/kafka.js start [--port N] [--secure]   runs in the foreground until Ctrl-C, then
 *                                               stops it; --secure (or KAFKA_LOCAL_SECURITY=scram):
 *                                               SASL/SCRAM + ACLs on port 9096, see docs/security.md
 *   node dist/tools/kafka.js start --brokers 3 [--port N]   a 3-node KRaft cluster on N, N+2, N+4
 *                                               (controllers on N+1, N+3, N+5; N defaults to 9192),
 *                                               data in .local/kafka/<line>/cluster-<N>/node-<id>
 *   node dist/tools/kafka.js stop [--port N] [--brokers 3]    stops a broker (or cluster) started by `start` elsewhere
 *   node dist/tools/kafka.js status [--port N] [--brokers 3]  exit code 0 when the broker (every node) answers
 *   node dist/tools/kafka.js <tool> <args>      Kafka's own tools (see tools/kafka-tools.ts)
 * Imported relatively (not via @carts/infra) so the built file runs without alias rewriting.
 */
import { dirname } from 'node:path';
import { ensureKafkaBroker, isKafkaReady, stopKafkaBroker } from '../libs/infra/src';
import { defaultDataDir } from '../libs/infra/src/kafka-config';
import { adminClientConfigFile, readLocalCredentials, saslOf } from '../libs/infra/src/kafka-security';
import { lineVersions, selectedKafka } from '../libs/infra/src/kafka-version';
import { loadConfig } from '../libs/config/src';
import { isKafkaTool, KAFKA_TOOL_NAMES, runKafkaTool } from './kafka-tools';
import { clusterStatus, DEFAULT_CLUSTER_PORT, parseClusterSize, startCluster, stopCluster } from './kafka-cluster-cli';
import { runUntilSignal } from './run-until-signal';
import { cartctlHint, LocalSecurity, localSecurity, provisionAndGrant, SECURED_KAFKA_PORT } from './secured-kafka';

function usage(): string {
  const versions = Object.entries(lineVersions()).map(([line, exact]) => `${line} (${exact})`).join(', ');
  return `usage: npm run kafka -- start|stop|status [--port N] [--kafka-version V] [--secure | --brokers 3]
       npm run kafka -- ${KAFKA_TOOL_NAMES.join('|')} [--kafka-version V] <the tool's own arguments>
  --secure (or KAFKA_LOCAL_SECURITY=scram): SASL/SCRAM and ACLs, one principal per service, port ${SECURED_KAFKA_PORT} by default.
  --brokers 3: a 3-node KRaft cluster (replication factor 3, min.insync.replicas 2) on ports N, N+2, N+4 (N default ${DEFAULT_CLUSTER_PORT}).
  V (or KAFKA_VERSION): ${versions}; default 4. Tools use --bootstrap-server KAFKA_BROKERS or 127.0.0.1:9092.
  --secure with a tool: as the secured local broker's administrator (KAFKA_BROKERS' port, else ${SECURED_KAFKA_PORT}).
  e.g. npm run kafka -- topics --list
       npm run kafka -- console-consumer --topic cart-events --from-beginning --property print.key=true`;
}

/** Removes `--name value` from args, returning the value (the rest goes to the command or tool). */
function takeOption(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  if (at === -1) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value\n${usage()}`);
  args.splice(at, 2);
  return value;
}

function parsePort(value: string | undefined, security: LocalSecurity): number {
  if (value === undefined) return security === 'scram' ? SECURED_KAFKA_PORT : 9092;
  const port = Number(value);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`invalid --port: ${value}\n${usage()}`);
  return port;
}

async function start(port: number, kafkaVersion: string | undefined, security: LocalSecurity): Promise<void> {
  const handle = await ensureKafkaBroker({ port, kafkaVersion, security, log: (line) => console.log(line) });
  if (handle.credentials) {
    // Topics and ACLs for KAFKA_TOPIC_PREFIX, as the administrator; services only get their principal.
    const config = loadConfig({ ...process.env, KAFKA_BROKERS: handle.brokers.join(',') });
    const { report, acls } = await provisionAndGrant(config.kafka, handle.credentials);
    if (report.created.length) console.log(`Created topics ${report.created.join(', ')}`);
    console.log(`SASL/SCRAM-SHA-512 and ACLs on; ${acls} ACL entries for command-service, projector and cartctl (prefix "${config.kafka.topicPrefix}").`);
    console.log(`Passwords (0600) in ${dirname(handle.credentials.admin.passwordFile)}; e.g. ${cartctlHint(handle.brokers.join(','), handle.credentials)}`);
  }
  if (!handle.startedHere) {
    console.log(`A broker already answers on ${handle.brokers[0]}; it is not managed by this command.`);
    return;
  }
  console.log(`Kafka ${handle.version} broker running on ${handle.brokers.join(',')} (pid ${handle.pid}). Ctrl-C stops it.`);
  await runUntilSignal([handle.pid], () => handle.stop());
}

const withoutFlag = (args: string[], flag: string): string[] => args.filter((a) => a !== flag);

/** The secured local broker (KAFKA_BROKERS' port, else 9096), as its administrator. */
function securedTool(kafkaVersion: string | undefined): { port: number; clientConfigFile: string } {
  const port = Number(process.env.KAFKA_BROKERS?.split(',')[0]?.split(':').pop()) || SECURED_KAFKA_PORT;
  const dataDir = defaultDataDir(selectedKafka(kafkaVersion).line, port, true);
  const credentials = readLocalCredentials(dataDir);
  if (!credentials) throw new Error(`no secured local broker's credentials in ${dataDir}: start it with npm run kafka -- start --secure`);
  return { port, clientConfigFile: adminClientConfigFile(credentials) };
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const kafkaVersion = takeOption(rest, '--kafka-version');
  const security = localSecurity(rest, process.env);
  if (isKafkaTool(command)) {
    process.exitCode = await runKafkaTool(command, withoutFlag(rest, '--secure'), kafkaVersion, security === 'scram' ? securedTool(kafkaVersion) : undefined);
    return;
  }
  const size = parseClusterSize(takeOption(rest, '--brokers'));
  if (size > 1) {
    if (security === 'scram') throw new Error(`--secure runs a single broker; --brokers ${size} is plaintext\n${usage()}`);
    const port = parsePort(takeOption(rest, '--port') ?? String(DEFAULT_CLUSTER_PORT), security);
    if (command === 'start') return startCluster(size, port, kafkaVersion);
    if (command === 'stop') return stopCluster(size, port, kafkaVersion);
    if (command === 'status') return clusterStatus(size, port);
  }
  const port = parsePort(takeOption(rest, '--port'), security);
  switch (command) {
    case 'start':
      return start(port, kafkaVersion, security);
    case 'stop': {
      const stopped = await stopKafkaBroker({ port, log: (line) => console.log(line) });
      console.log(stopped ? `Stopped the Kafka broker on port ${port}.` : `No broker started by us runs on port ${port}.`);
      return;
    }
    case 'status': {
      // A secured broker answers only its users: ask as the administrator of its data directory.
      const credentials = security === 'scram' ? readLocalCredentials(defaultDataDir(selectedKafka(kafkaVersion).line, port, true)) : undefined;
      const ready = await isKafkaReady([`127.0.0.1:${port}`], 5000, credentials ? saslOf(credentials.admin) : undefined);
      console.log(ready ? `Kafka is ready on 127.0.0.1:${port}.` : `No Kafka broker answers on 127.0.0.1:${port}.`);
      process.exitCode = ready ? 0 : 1;
      return;
    }
    default:
      console.error(command === undefined || command === '--help' || command === 'help' ? usage() : `unknown command: ${command}\n${usage()}`);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
