import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from './infra-error';
import { KafkaDistribution, lineOf } from './kafka-version';

/**
 * Which Kafka formatted a data directory, so one started with another version fails loudly
 * before the JVM does something subtler. Kafka upgrades a 3.9 directory to 4.x in place, but
 * going back is unsupported once the metadata version is raised, and 3.9.2 on a 4.4.0-formatted
 * directory exits at start (MetadataParseException: Can't read version 4 of BrokerEndpoint). A
 * dev launcher that switches lines with one variable keeps one directory per line instead (the
 * default ones differ already).
 */
const MARKER = 'kafka-version';
// Directories formatted before the marker existed were formatted by the 3.9-only launcher.
const UNMARKED_FORMAT = '3.9 (formatted before the launcher recorded versions)';

const markerPath = (dataDir: string): string => join(dataDir, MARKER);

export function recordFormattedVersion(dataDir: string, kafka: KafkaDistribution): void {
  writeFileSync(markerPath(dataDir), `${kafka.version}\n`);
}

/** The version that formatted the directory, or undefined when it is not formatted yet. */
export function formattedVersion(dataDir: string, metaPropertiesExists: boolean): string | undefined {
  if (existsSync(markerPath(dataDir))) return readFileSync(markerPath(dataDir), 'utf8').trim();
  return metaPropertiesExists ? UNMARKED_FORMAT : undefined;
}

export function assertSameLine(dataDir: string, formatted: string | undefined, kafka: KafkaDistribution): void {
  if (formatted === undefined) return;
  const formattedLine = lineOf(formatted) ?? (formatted === UNMARKED_FORMAT ? '3.9' : undefined);
  if (formattedLine === kafka.line) return;
  throw new InfraError(
    'KAFKA_VERSION_MISMATCH',
    `The Kafka data directory ${dataDir} was formatted by Kafka ${formatted}; this start asks for Kafka ${kafka.version}. ` +
      `A directory stays with the version line that formatted it. Start with KAFKA_VERSION=${formattedLine ?? formatted}, ` +
      'use another data directory, or delete this one (its topics and events go with it).',
  );
}
