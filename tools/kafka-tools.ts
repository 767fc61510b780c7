/**
 * Kafka's own command-line tools, run from the same Maven Central jars as the local broker:
 *   npm run kafka -- console-consumer --topic cart-events --from-beginning --property print.key=true
 *   npm run kafka -- consumer-groups --describe --group projection.cart-details.g1
 * --bootstrap-server defaults to KAFKA_BROKERS (or 127.0.0.1:9092).
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { ensureKafkaJars, kafkaLog4jPath } from '../libs/infra/src/kafka-jars';

export const KAFKA_TOOLS: Record<string, string> = {
  'console-consumer': 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  'console-producer': 'org.apache.kafka.tools.ConsoleProducer',
  'consumer-groups': 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  topics: 'kafka.admin.TopicCommand',
  'get-offsets': 'org.apache.kafka.tools.GetOffsetShell',
};

export async function runKafkaTool(tool: string, args: string[]): Promise<number> {
  const lib = await ensureKafkaJars((line) => console.error(line));
  const withServer = args.includes('--bootstrap-server') ? args : ['--bootstrap-server', process.env.KAFKA_BROKERS?.split(',')[0] ?? '127.0.0.1:9092', ...args];
  const child = spawn('java', ['-Xmx256m', `-Dlog4j.configuration=file:${kafkaLog4jPath()}`, '-Dkafka.logs.dir=/tmp', '-cp', path.join(lib, '*'), KAFKA_TOOLS[tool], ...withServer], { stdio: 'inherit' });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}
