import type { Kafka } from 'kafkajs';
import { CONSUMER_GROUPS } from '@carts/contracts';
import { topicPrefixOf } from './kafka-client';
import { LogAdmin } from './log-admin';

/** A new private group's id, under the client's topic prefix (so prefixed ACLs cover it). */
export const privateGroupId = (kafka: Kafka, role: 'reader' | 'tailer' | 'reply-listener'): string =>
  CONSUMER_GROUPS.private(topicPrefixOf(kafka), role);

/**
 * Deletes a private (one-process, offset-less) consumer group once its consumer has left, so
 * `kafka-consumer-groups --list` does not grow by one group per process start. Best effort: a
 * group left behind (a crash, the broker away) is dropped by the broker itself.
 */
export async function deleteGroupQuietly(kafka: Kafka, groupId: string): Promise<boolean> {
  const admin = new LogAdmin(kafka);
  try {
    return await admin.deleteGroup(groupId);
  } catch {
    return false;
  } finally {
    await admin.close().catch(() => undefined);
  }
}
