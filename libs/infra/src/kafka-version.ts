import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from './infra-error';
import { localDir, repoRoot } from './repo-root';

/**
 * The Kafka lines the launcher can run, each fetched by its own POM under infra/kafka/<line>/.
 * 4 is the default (what teams run today); 3.9 stays supported and tested because it is the last
 * line with the protocol versions Kafka 4.0 removed (KIP-896) and many clusters still run it.
 */
export type KafkaLine = '4' | '3.9';
export const KAFKA_LINES: readonly KafkaLine[] = ['4', '3.9'];
export const DEFAULT_KAFKA_LINE: KafkaLine = '4';

export type KafkaToolName = 'topics' | 'console-producer' | 'console-consumer' | 'consumer-groups' | 'get-offsets';

export interface KafkaDistribution {
  readonly line: KafkaLine;
  /** The exact version the line's POM fetches (its `kafka.version` property). */
  readonly version: string;
  readonly pom: string;
  /** Jars of this exact version only: two versions never share a classpath or a cache. */
  readonly libDir: string;
  /** JVM flags that point the broker (or a tool) at this line's logging backend and config. */
  loggingArgs(role: 'broker' | 'tool'): string[];
  /** Main classes of Kafka's command-line tools; some moved between 3.9 and 4.0. */
  readonly toolClasses: Readonly<Record<KafkaToolName, string>>;
}

const SHARED_TOOLS = {
  topics: 'org.apache.kafka.tools.TopicCommand',
  'console-consumer': 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  'consumer-groups': 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  'get-offsets': 'org.apache.kafka.tools.GetOffsetShell',
} as const;

const lineDir = (line: KafkaLine): string => join(repoRoot(), 'infra', 'kafka', line);

/** `kafka.version` from a POM: the single place a line's exact version is written. */
export function pomKafkaVersion(pomText: string): string {
  const version = /<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/.exec(pomText)?.[1];
  if (!version) throw new InfraError('JAR_FETCH_FAILED', 'no <kafka.version> property in the Kafka POM');
  return version;
}

export function kafkaDistribution(line: KafkaLine): KafkaDistribution {
  const dir = lineDir(line);
  const pom = join(dir, 'pom.xml');
  const version = pomKafkaVersion(readFileSync(pom, 'utf8'));
  // 4.x logs through log4j2; 3.9 through reload4j (log4j 1.x API). Each reads its own file.
  const loggingArgs =
    line === '4'
      ? (role: 'broker' | 'tool') => [`-Dlog4j2.configurationFile=${join(dir, role === 'broker' ? 'log4j2.properties' : 'tools-log4j2.properties')}`]
      : (role: 'broker' | 'tool') => [`-Dlog4j.configuration=file:${join(dir, role === 'broker' ? 'log4j.properties' : 'tools-log4j.properties')}`];
  const consoleProducer = line === '4' ? 'org.apache.kafka.tools.ConsoleProducer' : 'kafka.tools.ConsoleProducer';
  return {
    line,
    version,
    pom,
    libDir: localDir('kafka', `lib-${version}`),
    loggingArgs,
    toolClasses: { ...SHARED_TOOLS, 'console-producer': consoleProducer },
  };
}

/**
 * The line asked for by `requested` (a flag's value, else KAFKA_VERSION): "4", "3.9", or a more
 * precise version of a line ("4.4", "3.9.2") that must match what that line's POM fetches.
 */
export function resolveKafkaLine(requested: string | undefined = process.env.KAFKA_VERSION, versions = lineVersions()): KafkaLine {
  const wanted = requested?.trim();
  if (!wanted) return DEFAULT_KAFKA_LINE;
  const line = KAFKA_LINES.find((candidate) => wanted === candidate || wanted.startsWith(`${candidate}.`));
  const exact = line ? versions[line] : undefined;
  if (line && exact && (exact === wanted || exact.startsWith(`${wanted}.`) || wanted === line)) return line;
  const offered = KAFKA_LINES.map((l) => `${l} (${versions[l]})`).join(', ');
  throw new InfraError(
    'KAFKA_VERSION_UNSUPPORTED',
    `KAFKA_VERSION=${wanted} is not a Kafka this project runs. Supported: ${offered}; the default is ${DEFAULT_KAFKA_LINE}. ` +
      'Another 4.x release: change <kafka.version> in infra/kafka/4/pom.xml.',
  );
}

export function lineVersions(): Record<KafkaLine, string> {
  return Object.fromEntries(KAFKA_LINES.map((line) => [line, kafkaDistribution(line).version])) as Record<KafkaLine, string>;
}

/** The distribution for an explicit choice, else KAFKA_VERSION, else the default (4). */
export const selectedKafka = (requested?: string): KafkaDistribution =>
  kafkaDistribution(resolveKafkaLine(requested ?? process.env.KAFKA_VERSION));

/** Which line an exact version belongs to ("4.4.0" → "4"), if any. */
export const lineOf = (version: string): KafkaLine | undefined =>
  KAFKA_LINES.find((line) => version === line || version.startsWith(`${line}.`));
