import { randomBytes } from 'node:crypto';
import { loadConfig } from '@carts/config';
import { topicNames } from '@carts/contracts';
import { createKafka, endOffsets, provisionTopics, readPartitionsToEnd, type Kafka } from '@carts/event-log';

/** What the tests read back from `cart-events`: the envelope fields that carry the invariants. */
export interface LoggedEvent {
  readonly type: string;
  readonly cartId: string;
  readonly version: number;
  readonly commandId: string;
  readonly correlationId: string;
  readonly data: Record<string, unknown>;
  readonly key: string | null;
  readonly partition: number;
}

/**
 * A topic prefix of its own for one test file, under the run's prefix (so global teardown still
 * deletes its topics): "the log gained nothing" can then be checked on whole topics. The random
 * part keeps two suites that pick the same name apart.
 */
export function isolatedPrefix(name: string): string {
  return `${process.env.KAFKA_TOPIC_PREFIX ?? ''}${name}-${randomBytes(3).toString('hex')}.`;
}

export function kafkaFor(prefix: string, brokers?: string): Kafka {
  return createKafka(configFor(prefix, brokers).kafka, `test-${process.pid}`);
}

export function configFor(prefix: string, brokers?: string) {
  return loadConfig({ ...process.env, KAFKA_TOPIC_PREFIX: prefix, ...(brokers ? { KAFKA_BROKERS: brokers } : {}) });
}

/** Creates the topics before the services start, so two instances do not race to create them. */
export async function provision(prefix: string, brokers?: string): Promise<void> {
  await provisionTopics(configFor(prefix, brokers).kafka);
}

export async function readAllEvents(prefix: string, brokers?: string): Promise<LoggedEvent[]> {
  const config = configFor(prefix, brokers);
  const topic = topicNames(prefix).events;
  const specs = Array.from({ length: config.kafka.partitions }, (_, partition) => ({ topic, partition }));
  const events: LoggedEvent[] = [];
  await readPartitionsToEnd(kafkaFor(prefix, brokers), specs, (records) => {
    for (const r of records) events.push({ ...JSON.parse(r.value!.toString()), key: r.key, partition: r.partition });
  });
  return events;
}

export function byCart(events: readonly LoggedEvent[]): Map<string, LoggedEvent[]> {
  const carts = new Map<string, LoggedEvent[]>();
  for (const e of events) carts.set(e.cartId, [...(carts.get(e.cartId) ?? []), e]);
  return carts;
}

/** Carts whose versions, in log order, are not exactly 1..n; and events not keyed by their cart. */
export function versionViolations(events: readonly LoggedEvent[]): string[] {
  const problems: string[] = [];
  for (const [cartId, list] of byCart(events)) {
    const versions = list.map((e) => e.version);
    if (versions.some((v, i) => v !== i + 1)) problems.push(`${cartId}: versions ${versions.join(',')}`);
    if (new Set(list.map((e) => e.partition)).size !== 1) problems.push(`${cartId}: events on several partitions`);
  }
  for (const e of events) if (e.key !== e.cartId) problems.push(`${e.cartId}@${e.version}: key ${e.key}`);
  return problems;
}

/** Sum of the end offsets of a topic: grows with every record, committed or aborted. */
export async function topicSize(prefix: string, which: 'events' | 'commands', brokers?: string): Promise<bigint> {
  const ends = await endOffsets(kafkaFor(prefix, brokers), topicNames(prefix)[which]);
  return [...ends.values()].reduce((a, b) => a + b, 0n);
}
