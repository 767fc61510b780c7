import { CONSUMER_GROUPS, topicNames } from '@carts/contracts';
import { describeGroup, type GroupMember } from '@carts/event-log';
import { waitFor } from '@carts/testing';
import { configFor, kafkaFor, type LoggedEvent } from './event-log';
import type { Sent } from './load';

/**
 * Every command answered 2xx is in the log exactly once, as the event at the version the client
 * was told; no command (answered or not) is in the log twice.
 */
export function acknowledgementViolations(sent: readonly Sent[], events: readonly LoggedEvent[]): string[] {
  const byCorrelation = new Map<string, LoggedEvent[]>();
  for (const e of events) byCorrelation.set(e.correlationId, [...(byCorrelation.get(e.correlationId) ?? []), e]);
  const problems: string[] = [];
  for (const s of sent) {
    const found = byCorrelation.get(s.correlationId) ?? [];
    if (found.length > 1) problems.push(`${s.correlationId} (${s.status}) appended ${found.length} times`);
    if (s.status >= 200 && s.status < 300 && (found.length !== 1 || found[0].cartId !== s.cartId || found[0].version !== s.version)) {
      problems.push(`${s.correlationId} answered ${s.status} v${s.version} but the log has ${JSON.stringify(found.map((e) => [e.cartId, e.version]))}`);
    }
  }
  return problems;
}

/** The command processor group's members and their cart-commands partitions. */
export async function writerGroup(prefix: string): Promise<readonly GroupMember[]> {
  const group = await describeGroup(kafkaFor(prefix), CONSUMER_GROUPS.commandProcessor(prefix), topicNames(prefix).commands);
  return group.state === 'Stable' ? group.members : [];
}

/**
 * Waits until `instances` members own every partition between them. Ready is not owning: a
 * command sent before the group settles waits out the join (and, for a second instance, a
 * rebalance), which on a busy box can pass the command's deadline (503).
 */
export async function writersSettled(prefix: string, instances: number): Promise<readonly GroupMember[]> {
  const partitions = configFor(prefix).kafka.partitions;
  return waitFor(() => writerGroup(prefix), (m) => m.length === instances && m.every((x) => x.partitions.length > 0) && m.reduce((n, x) => n + x.partitions.length, 0) === partitions,
    { timeoutMs: 30_000, what: `${instances} command-service instance(s) owning every partition` });
}

/** A command-service process's member: its Kafka client id ends with its pid. */
export const memberOf = (members: readonly GroupMember[], pid: number): GroupMember | undefined =>
  members.find((m) => m.clientId.includes(`command-service-${pid}`));

export function countBy<T>(items: readonly T[], key: (item: T) => string | number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
