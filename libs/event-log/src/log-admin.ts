import { AssignerProtocol, type Admin, type Kafka } from 'kafkajs';

/**
 * Which log a read model was built from. Kafka's topic id (KIP-516) would be the exact answer, but
 * kafkajs 2.2.4 speaks Metadata v6, before topic ids: the cluster id (from formatting), the topic
 * name and its partition count are what it can see. A topic deleted and recreated under the same
 * name in the same cluster keeps this identity; the read side catches that case by a stored offset
 * beyond the log's end (see docs/operations.md).
 */
export interface LogIdentity {
  readonly clusterId: string;
  readonly topic: string;
  readonly partitions: number;
}

/** A log as a projection finds it on assignment: who it is, and how far it goes. */
export interface LogSnapshot {
  readonly identity: LogIdentity;
  /** Read-committed end offset of every partition. */
  readonly endOffsets: ReadonlyMap<number, bigint>;
}

export interface GroupState {
  readonly state: string;
  readonly members: number;
  /** Partitions of `topic` assigned to each member (client id, host), when asked for a topic. */
  readonly assignments: { readonly member: string; readonly partitions: number[] }[];
}

export interface GroupMember {
  readonly memberId: string;
  readonly clientId: string;
  readonly host: string;
  /** Partitions of `topic` assigned to the member, ascending. */
  readonly partitions: readonly number[];
}

export interface GroupDescription {
  readonly state: string;
  readonly members: readonly GroupMember[];
}

const endOffsetsOf = (offsets: { partition: number; high: string }[]): Map<number, bigint> =>
  new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));

/**
 * The project's one view of the cluster for status and operations: log end offsets (for lag and
 * rebuild progress), partition counts (to find a cart's partition), consumer groups (who owns
 * what, and their committed offsets) and the cluster itself. One admin connection, opened on first use.
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
    return endOffsetsOf(await (await this.connected()).fetchTopicOffsets(topic));
  }

  /** First (log start) and end offsets of every partition. */
  async offsetRanges(topic: string): Promise<Map<number, { start: bigint; end: bigint }>> {
    const offsets = await (await this.connected()).fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, { start: BigInt(o.low), end: BigInt(o.high) }]));
  }

  /** The group's committed offsets on a topic (partitions without one are left out). */
  async committedOffsets(groupId: string, topic: string): Promise<Map<number, bigint>> {
    const [entry] = await (await this.connected()).fetchOffsets({ groupId, topics: [topic] });
    return new Map((entry?.partitions ?? []).filter((p) => p.offset !== '-1').map((p) => [p.partition, BigInt(p.offset)]));
  }

  /** The cluster's id and its brokers (a broker reachability check for status). */
  async cluster(): Promise<{ clusterId: string; brokers: number }> {
    const { clusterId, brokers } = await (await this.connected()).describeCluster();
    return { clusterId, brokers: brokers.length };
  }

  /** The topic's identity (cluster id, name, partition count) and its read-committed end offsets. */
  async snapshot(topic: string): Promise<LogSnapshot> {
    // Just after a topic is created its leaders may not be known yet (NOT_LEADER_FOR_PARTITION on
    // ListOffsets, seen when `npm start` provisions topics and checks the read models at once).
    // kafkajs' admin does not refresh its metadata on that error, so retry on a fresh connection,
    // leaving the shared one (other callers may be using it) alone.
    for (let attempt = 1; ; attempt++) {
      const fresh = attempt > 1 ? this.kafka.admin() : null;
      try {
        if (fresh) await fresh.connect();
        const admin = fresh ?? (await this.connected());
        const { clusterId } = await admin.describeCluster();
        const meta = await admin.fetchTopicMetadata({ topics: [topic] });
        const endOffsets = endOffsetsOf(await admin.fetchTopicOffsets(topic));
        return { identity: { clusterId, topic, partitions: meta.topics[0].partitions.length }, endOffsets };
      } catch (error) {
        if (attempt >= 10 || (error as { retriable?: boolean }).retriable !== true) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      } finally {
        await fresh?.disconnect().catch(() => undefined);
      }
    }
  }

  async partitionCount(topic: string): Promise<number> {
    const meta = await (await this.connected()).fetchTopicMetadata({ topics: [topic] });
    return meta.topics[0].partitions.length;
  }

  /** Who owns which partitions of `topic` in a consumer group right now. */
  async describeGroup(groupId: string, topic: string): Promise<GroupDescription> {
    const { groups } = await (await this.connected()).describeGroups([groupId]);
    const group = groups.find((g) => g.groupId === groupId);
    const members = (group?.members ?? []).map((m) => {
      const assignment = m.memberAssignment.length > 0 ? AssignerProtocol.MemberAssignment.decode(m.memberAssignment) : null;
      return { memberId: m.memberId, clientId: m.clientId, host: m.clientHost, partitions: [...(assignment?.assignment[topic] ?? [])].sort((a, b) => a - b) };
    });
    return { state: group?.state ?? 'Dead', members };
  }

  async group(groupId: string, topic?: string): Promise<GroupState> {
    const { state, members } = await this.describeGroup(groupId, topic ?? '');
    const assignments = topic === undefined ? [] : members.map((m) => ({ member: `${m.clientId}@${m.host}`, partitions: [...m.partitions] }));
    return { state, members: members.length, assignments };
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

/** One admin call on a connection of its own (tests, one-shot tools). */
export async function withLogAdmin<T>(kafka: Kafka, work: (admin: LogAdmin) => Promise<T>): Promise<T> {
  const admin = new LogAdmin(kafka);
  try {
    return await work(admin);
  } finally {
    await admin.close().catch(() => undefined);
  }
}
