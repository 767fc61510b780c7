import { AssignerProtocol, type Kafka } from 'kafkajs';

export interface GroupMember {
  readonly memberId: string;
  readonly clientId: string;
  /** Partitions of `topic` assigned to the member. */
  readonly partitions: readonly number[];
}

export interface GroupDescription {
  readonly state: string;
  readonly members: readonly GroupMember[];
}

/** Who owns which partitions of a consumer group right now (operators, failover tests). */
export async function describeGroup(kafka: Kafka, groupId: string, topic: string): Promise<GroupDescription> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    const members = group.members.map((m) => {
      const assignment = m.memberAssignment.length > 0 ? AssignerProtocol.MemberAssignment.decode(m.memberAssignment) : null;
      return { memberId: m.memberId, clientId: m.clientId, partitions: [...(assignment?.assignment[topic] ?? [])].sort((a, b) => a - b) };
    });
    return { state: group.state, members };
  } finally {
    await admin.disconnect();
  }
}
