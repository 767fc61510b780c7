import type { Kafka } from 'kafkajs';
import { LogAdmin } from './log-admin';

/** An admin client that fails ListOffsets like a broker whose new topic has no known leader yet. */
function fakeKafka(failures: number, error: Error & { retriable?: boolean }) {
  let left = failures;
  const admins: number[] = [];
  const kafka = {
    admin: () => {
      admins.push(admins.length);
      return {
        connect: async () => undefined,
        disconnect: async () => undefined,
        describeCluster: async () => ({ clusterId: 'c-1', brokers: [], controller: 1 }),
        fetchTopicMetadata: async () => ({ topics: [{ name: 't', partitions: [{}, {}] }] }),
        fetchTopicOffsets: async () => {
          if (left-- > 0) throw error;
          return [{ partition: 0, high: '5', low: '0', offset: '5' }, { partition: 1, high: '7', low: '0', offset: '7' }];
        },
      };
    },
  } as unknown as Kafka;
  return { kafka, admins };
}

describe('LogAdmin.snapshot', () => {
  it('retries a retriable error (NOT_LEADER just after a topic is created) on a fresh admin connection each time', async () => {
    const { kafka, admins } = fakeKafka(2, Object.assign(new Error('This server is not the leader for that topic-partition'), { retriable: true }));
    expect(await new LogAdmin(kafka).snapshot('t')).toEqual({ identity: { clusterId: 'c-1', topic: 't', partitions: 2 }, endOffsets: new Map([[0, 5n], [1, 7n]]) });
    expect(admins).toHaveLength(3);
  });

  it('does not retry a non-retriable error', async () => {
    const { kafka } = fakeKafka(1, Object.assign(new Error('not authorised'), { retriable: false }));
    await expect(new LogAdmin(kafka).snapshot('t')).rejects.toThrow('not authorised');
  });
});
