import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

/**
 * kafkajs has no `assign()`: a consumer only gets partitions through a group. A group with one
 * member and this assigner reads exactly the partitions asked for, which is how we read a single
 * partition (state restore, audit) or a single reply partition.
 */
export function fixedAssigner(assignment: Record<string, number[]>): PartitionAssigner {
  return () => ({
    name: 'FixedAssigner',
    version: 0,
    async assign({ members }) {
      // Only the first member gets anything; these groups are private to one process.
      return members.map(({ memberId }, index) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 0,
          assignment: index === 0 ? assignment : {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return {
        name: 'FixedAssigner',
        metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }),
      };
    },
  });
}
