/**
 * Kafka's own command-line tools, run from the same Maven Central jars as the local broker (the
 * version line KAFKA_VERSION or --kafka-version selects; 4.x by default):
 *   npm run kafka -- topics --list
 *   npm run kafka -- console-consumer --topic cart-events --from-beginning --property print.key=true
 *   npm run kafka -- consumer-groups --describe --group projection.cart-details.g1
 * --bootstrap-server defaults to KAFKA_BROKERS (or 127.0.0.1:9092).
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import * as path from 'node:path';
import { ensureKafkaJars } from '../libs/infra/src/kafka-jars';
import { KafkaToolName, selectedKafka } from '../libs/infra/src/kafka-version';

export const KAFKA_TOOL_NAMES: readonly KafkaToolName[] = ['topics', 'console-producer', 'console-consumer', 'consumer-groups', 'get-offsets'];

export const isKafkaTool = (name: string | undefined): name is KafkaToolName => KAFKA_TOOL_NAMES.includes(name as KafkaToolName);

/** How each tool takes a client configuration file (SASL settings for a secured broker). */
const CLIENT_CONFIG_OPTION: Record<KafkaToolName, string> = {
  topics: '--command-config',
  'consumer-groups': '--command-config',
  'get-offsets': '--command-config',
  'console-consumer': '--consumer.config',
  'console-producer': '--producer.config',
};

/**
 * `secured`: the tool logs in as the secured local broker's administrator (--secure), through a
 * 0600 client configuration file beside the passwords; the bootstrap default becomes its port.
 */
export async function runKafkaTool(tool: KafkaToolName, args: string[], kafkaVersion?: string, secured?: { port: number; clientConfigFile: string }): Promise<number> {
  const kafka = selectedKafka(kafkaVersion);
  const lib = await ensureKafkaJars(kafka, (line) => console.error(line));
  const server = process.env.KAFKA_BROKERS?.split(',')[0]?.trim() || `127.0.0.1:${secured?.port ?? 9092}`;
  const withConfig = secured && !args.includes(CLIENT_CONFIG_OPTION[tool]) ? [CLIENT_CONFIG_OPTION[tool], secured.clientConfigFile, ...args] : args;
  const withServer = withConfig.includes('--bootstrap-server') ? withConfig : ['--bootstrap-server', server, ...withConfig];
  const jvm = ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', ...kafka.loggingArgs('tool'), '-cp', path.join(lib, '*')];
  const child = spawn('java', [...jvm, kafka.toolClasses[tool], ...withServer], { stdio: 'inherit' });
  return new Promise((resolve) => {
    child.once('error', (error) => {
      console.error(`could not run java: ${error.message}`);
      resolve(1);
    });
    child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}
