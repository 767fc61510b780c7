import { AssignerProtocol, type Admin, type Kafka } from 'kafkajs';

export interface GroupState {
  readonly state: string;
  readonly members: number;
  /** Partitions of `topic` assigned to each member (client id, host), when asked for a topic. */
  readonly assignments: { readonly member: string; readonly partitions: number[] }[];
}

/**
 * The read side's view of the cluster for status and operations: log end offsets (for lag and
 * rebuild progress), partition counts (to find a cart's partition) and consumer groups (is any
 * projector consuming a generation?). One admin connection, opened on first use.
 */
export class LogAdmin {
  private admin: Admin | null = null;
  private connecting: Promise<Admin> | null = null;

  constructor(private readonly kafka: Kafka) {}

  private connected(): Promise<Admin> {
    if (this.admin) return Promise.resolve(this.admin);
    this.connecting ??= (async () => {
      const admin = this.kafka.admin();
      try {
        await admin.connect();
      } catch (error) {
        this.connecting = null;
        throw error;
      }
      this.admin = admin;
      return admin;
    })();
    return this.connecting;
  }

  /** Read-committed end offset of every partition: the last stable offset, transaction markers included. */
  async endOffsets(topic: string): Promise<Map<number, bigint>> {
    const offsets = await (await this.connected()).fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  }

  async partitionCount(topic: string): Promise<number> {
    const meta = await (await this.connected()).fetchTopicMetadata({ topics: [topic] });
    return meta.topics[0].partitions.length;
  }

  async group(groupId: string, topic?: string): Promise<GroupState> {
    const { groups } = await (await this.connected()).describeGroups([groupId]);
    const group = groups.find((g) => g.groupId === groupId);
    const members = group?.members ?? [];
    const assignments = topic === undefined ? [] : members.map((m) => ({
      member: `${m.clientId}@${m.clientHost}`,
      partitions: m.memberAssignment.length > 0 ? (AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic] ?? []) : [],
    }));
    return { state: group?.state ?? 'Dead', members: members.length, assignments };
  }

  /** Deletes an empty consumer group so lag tools stop listing it; false if it still has members. */
  async deleteGroup(groupId: string): Promise<boolean> {
    try {
      await (await this.connected()).deleteGroups([groupId]);
      return true;
    } catch (error) {
      const codes = ((error as { groups?: { errorCode?: number; error?: { type?: string } }[] }).groups ?? []).map((g) => g.error?.type);
      if (codes.includes('GROUP_ID_NOT_FOUND')) return true;
      if (codes.includes('NON_EMPTY_GROUP')) return false;
      throw error;
    }
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    this.connecting = null;
    await admin?.disconnect();
  }
}
