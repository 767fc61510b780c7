import type { Kafka } from 'kafkajs';
import { withLogAdmin, type GroupDescription } from './log-admin';

export type { GroupDescription, GroupMember } from './log-admin';

/** Who owns which partitions of a consumer group right now (operators, failover tests). */
export function describeGroup(kafka: Kafka, groupId: string, topic: string): Promise<GroupDescription> {
  return withLogAdmin(kafka, (admin) => admin.describeGroup(groupId, topic));
}
