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

export async function runKafkaTool(tool: KafkaToolName, args: string[], kafkaVersion?: string): Promise<number> {
  const kafka = selectedKafka(kafkaVersion);
  const lib = await ensureKafkaJars(kafka, (line) => console.error(line));
  const server = process.env.KAFKA_BROKERS?.split(',')[0]?.trim() || '127.0.0.1:9092';
  const withServer = args.includes('--bootstrap-server') ? args : ['--bootstrap-server', server, ...args];
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
