/**
 * The producer's send path and metadata requests as this project installs them: kafkajs 2.2.4 with
 * patches/kafkajs+2.2.4.patch (see patches/README.md). Each case is a leader change during one
 * send, driven by hand through kafkajs' own sendMessages with a scripted cluster, so it happens
 * every run; the first two fail on the unpatched file (tulios/kafkajs#1303).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const createSendMessages = require('kafkajs/src/producer/sendMessages') as (options: object) => (request: object) => Promise<RecordMetadata[]>;
import { KAFKAJS_SEND_PATCH_MARKER, kafkajsSendPatched } from './kafkajs-patch';

interface RecordMetadata { topicName: string; partition: number; errorCode: number; baseOffset: string }
interface ProduceRequest { topicData: { topic: string; partitions: { partition: number; messages: unknown[] }[] }[] }

class FakeBroker {
  readonly requests: ProduceRequest[] = [];
  constructor(readonly nodeId: number, private readonly answer: (request: ProduceRequest, n: number) => Promise<void> | void = () => undefined) {}

  async produce(request: ProduceRequest): Promise<object> {
    this.requests.push(request);
    await this.answer(request, this.requests.length);
    return {
      topics: request.topicData.map(({ topic, partitions }) => ({
        topicName: topic,
        partitions: partitions.map(({ partition }) => ({ partition, errorCode: 0, baseOffset: '0', logAppendTime: '-1', logStartOffset: '0' })),
      })),
    };
  }

  partitionsSent(topic: string): number[] {
    return this.requests.flatMap((r) => r.topicData.filter((t) => t.topic === topic).flatMap((t) => t.partitions.map((p) => p.partition)));
  }
}

const connectionError = (): Error => Object.assign(new Error('Connection error: ECONNREFUSED'), { name: 'KafkaJSConnectionError', retriable: true });

/** A cluster whose partition leaders are `leaders` until the first metadata refresh, `after` from then on. */
function scriptedCluster(brokers: FakeBroker[], leaders: Record<number, number | null>, after: Record<number, number | null>) {
  let current = leaders;
  return {
    targetTopics: new Set<string>(),
    addMultipleTargetTopics: async () => undefined,
    refreshMetadataIfNecessary: async () => undefined,
    refreshMetadata: async () => { current = after; },
    isConnected: () => true,
    connect: async () => undefined,
    removeBroker: () => undefined,
    findTopicPartitionMetadata: () => Object.keys(leaders).map((p) => ({ partitionId: Number(p), leader: current[Number(p)] })),
    findLeaderForPartitions: (_topic: string, partitions: string[]) => {
      const result: Record<number, number[]> = {};
      for (const p of partitions) {
        const leader = current[Number(p)];
        if (leader === null || leader === undefined) continue; // as kafkajs: -1 is grouped like any leader
        (result[leader] ??= []).push(Number(p));
      }
      return result;
    },
    findBroker: async ({ nodeId }: { nodeId: string }) => brokers.find((b) => b.nodeId === Number(nodeId)),
  };
}

function eosManager() {
  const sequences = new Map<string, number>();
  return {
    sequences,
    isTransactional: () => false,
    acquireBrokerLock: async () => undefined,
    releaseBrokerLock: async () => undefined,
    getSequence: (topic: string, partition: number) => sequences.get(`${topic}/${partition}`) ?? 0,
    updateSequence: (topic: string, partition: number, n: number) => sequences.set(`${topic}/${partition}`, (sequences.get(`${topic}/${partition}`) ?? 0) + n),
    getProducerId: () => 1,
    getProducerEpoch: () => 0,
  };
}

/** kafkajs' retrier without its backoff: up to five attempts, at once. */
const retrier = async (fn: (bail: (e: Error) => never, retryCount: number, retryTime: number) => Promise<unknown>) => {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn((e) => { throw e; }, attempt, 0);
    } catch (error) {
      if (attempt >= 4 || !(error as { retriable?: boolean }).retriable) throw error;
    }
  }
};

const logger = { debug: () => undefined, error: () => undefined, info: () => undefined, warn: () => undefined };
const send = (cluster: object, eos: object = eosManager()) =>
  createSendMessages({ logger, cluster, eosManager: eos, retrier, partitioner: ({ message }: { message: { partition: number } }) => message.partition });
const messages = (topic: string, partitions: number[]) => [{ topic, messages: partitions.map((partition) => ({ partition, key: `k${partition}`, value: `v${partition}` })) }];

describe('kafkajs send with a leader change (patched)', () => {
  it('the installed kafkajs is the patched one', () => {
    expect(kafkajsSendPatched()).toBe(true);
    expect(KAFKAJS_SEND_PATCH_MARKER).toBe('Patched by kafka-carts');
  });

  it('sends a dead leader\'s partition to its new leader even when that broker already answered for another partition of the same send', async () => {
    const dead = new FakeBroker(1, () => { throw connectionError(); });
    const survivor = new FakeBroker(2);
    // partition 0 is led by broker 1, which dies; after the refresh broker 2 leads both.
    const cluster = scriptedCluster([dead, survivor], { 0: 1, 1: 2 }, { 0: 2, 1: 2 });

    const result = await send(cluster)({ acks: -1, timeout: 1000, topicMessages: messages('t', [0, 1]) });

    // Unpatched: broker 2 "already had a response", partition 0 was never sent, and send() resolved.
    expect(survivor.partitionsSent('t').sort()).toEqual([0, 1]);
    expect(result.map((r) => r.partition).sort()).toEqual([0, 1]);
  });

  it('does not send a partition again while its first request is still in flight', async () => {
    let releaseSlow!: () => void;
    const slowAnswer = new Promise<void>((resolve) => { releaseSlow = resolve; });
    const failing = new FakeBroker(1, () => { setImmediate(releaseSlow); throw connectionError(); });
    const slow = new FakeBroker(2, (_request, n) => (n === 1 ? slowAnswer : undefined));
    const cluster = scriptedCluster([failing, slow], { 0: 1, 1: 2 }, { 0: 2, 1: 2 });
    const eos = eosManager();

    await send(cluster, eos)({ acks: -1, timeout: 1000, topicMessages: messages('t', [0, 1]) });

    // Unpatched: the retry started while broker 2's request was in flight and sent partition 1 again
    // with the next sequence number — a duplicate in the log.
    expect(slow.partitionsSent('t').filter((p) => p === 1)).toHaveLength(1);
    expect(eos.sequences.get('t/1')).toBe(1);
    expect(eos.sequences.get('t/0')).toBe(1);
  });

  it('a partition no broker leads is an error, never left out of a send that resolves', async () => {
    const broker = new FakeBroker(1);
    const cluster = scriptedCluster([broker], { 0: 1, 1: null }, { 0: 1, 1: null });

    await expect(send(cluster)({ acks: -1, timeout: 1000, topicMessages: messages('t', [0, 1]) })).rejects.toThrow('No leader is known for t/1');
    // partition 0 was acknowledged once and not sent again by the retries
    expect(broker.partitionsSent('t')).toEqual([0]);
  });

  it('a partition whose leader is -1 (none yet) is sent once the refreshed metadata names one', async () => {
    const a = new FakeBroker(1);
    const b = new FakeBroker(2);
    const result = await send(scriptedCluster([a, b], { 0: 1, 1: -1 }, { 0: 1, 1: 2 }))({ acks: -1, timeout: 1000, topicMessages: messages('t', [0, 1]) });
    expect(a.partitionsSent('t')).toEqual([0]);
    expect(b.partitionsSent('t')).toEqual([1]);
    expect(result.map((r) => r.partition).sort()).toEqual([0, 1]);
  });

  it('sends to the first leaders when nothing fails: one request per broker', async () => {
    const a = new FakeBroker(1);
    const b = new FakeBroker(2);
    const result = await send(scriptedCluster([a, b], { 0: 1, 1: 2, 2: 1 }, { 0: 1, 1: 2, 2: 1 }))({ acks: -1, timeout: 1000, topicMessages: messages('t', [0, 1, 2]) });
    expect(a.requests).toHaveLength(1);
    expect(b.requests).toHaveLength(1);
    expect(result).toHaveLength(3);
  });
});

// eslint-disable-next-line @typescript-eslint/no-require-imports
const KafkajsBroker = require('kafkajs/src/broker') as new (options: object) => { lookupRequest: unknown; metadata(topics?: string[]): Promise<MetadataResponse> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { lookup } = require('kafkajs/src/protocol/requests') as { lookup: (versions: object) => unknown };

interface PartitionMetadata { partitionErrorCode: number; partitionId: number; leader: number; replicas: number[]; isr: number[]; offlineReplicas: number[] }
interface MetadataResponse { topicMetadata: { topic: string; partitionMetadata: PartitionMetadata[] }[] }

describe('kafkajs metadata with a leaderless partition (patched)', () => {
  /** A broker whose connection answers every Metadata request with this cluster: `other` has a partition with no leader (a single replica on a dead broker). */
  function brokerAnswering() {
    const partition = (partitionId: number, errorCode: number, leader: number): PartitionMetadata => ({ partitionErrorCode: errorCode, partitionId, leader, replicas: [3], isr: errorCode ? [] : [leader], offlineReplicas: [] });
    const data = {
      throttleTime: 0, clusterId: 'c', controllerId: 1,
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: 1, rack: null }],
      topicMetadata: [
        { topicErrorCode: 0, topic: 'ours', isInternal: false, partitionMetadata: [partition(0, 0, 1)] },
        { topicErrorCode: 0, topic: 'other', isInternal: false, partitionMetadata: [partition(0, 0, 1), partition(1, 5, -1)] },
      ],
    };
    const connectionPool = {
      connectionTimeout: 1000, host: '127.0.0.1', port: 1,
      send: async ({ request, response }: { request: { encode: () => Promise<unknown> }; response: { parse: (d: unknown) => Promise<unknown> } }) => {
        await request.encode();
        return response.parse(structuredClone(data));
      },
    };
    const logger = { namespace: () => ({ debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined }) };
    const versions = { 3: { minVersion: 0, maxVersion: 6 } };
    const broker = new KafkajsBroker({ connectionPool, logger, versions });
    broker.lookupRequest = lookup(versions);
    return broker;
  }

  it('a request for every topic (a new client: every new producer\'s first transaction) succeeds, the partition kept with no leader', async () => {
    const metadata = await brokerAnswering().metadata([]);
    const other = metadata.topicMetadata.find((t) => t.topic === 'other')!;
    // Unpatched: LEADER_NOT_AVAILABLE, and no new transactional producer could start until the broker was back.
    expect(other.partitionMetadata.map((p) => [p.partitionId, p.leader])).toEqual([[0, 1], [1, -1]]);
  });

  it('a request naming the topic still fails on it, as before', async () => {
    await expect(brokerAnswering().metadata(['other'])).rejects.toMatchObject({ type: 'LEADER_NOT_AVAILABLE' });
  });
});

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ConsumerGroup = require('kafkajs/src/consumer/consumerGroup') as { prototype: { recoverFromFetch(this: object, error: Error): Promise<void> } };

describe('kafkajs consumer fetch from a dead leader (patched)', () => {
  const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  const threeBrokers = { metadata: { brokers: [{ nodeId: 1 }, { nodeId: 2 }, { nodeId: 3 }] } };
  const refused = () => Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9194'), { name: 'KafkaJSConnectionError', retriable: true });

  it('a refused connection refreshes the metadata and fetches again instead of failing the fetch (which crashed the consumer)', async () => {
    let refreshes = 0;
    const group = { logger: quiet, cluster: { brokerPool: threeBrokers, refreshMetadata: async () => { refreshes++; } } };
    // Unpatched: rethrown, no refresh — the consumer fetched from the dead broker until it crashed.
    await expect(ConsumerGroup.prototype.recoverFromFetch.call(group, refused())).resolves.toBeUndefined();
    expect(refreshes).toBe(1);
  });

  it('with no broker answering the refresh, the error goes up as before', async () => {
    const group = { logger: quiet, cluster: { brokerPool: threeBrokers, refreshMetadata: async () => { throw refused(); } } };
    await expect(ConsumerGroup.prototype.recoverFromFetch.call(group, refused())).rejects.toThrow('ECONNREFUSED');
  });

  it('other errors are untouched', async () => {
    const group = { logger: quiet, cluster: { brokerPool: threeBrokers, refreshMetadata: async () => undefined } };
    await expect(ConsumerGroup.prototype.recoverFromFetch.call(group, new Error('boom'))).rejects.toThrow('boom');
  });

  it('a single broker that refuses connections is left as it was (nothing to hand its partitions to)', async () => {
    let refreshes = 0;
    const group = { logger: quiet, cluster: { brokerPool: { metadata: { brokers: [{ nodeId: 1 }] } }, refreshMetadata: async () => { refreshes++; } } };
    await expect(ConsumerGroup.prototype.recoverFromFetch.call(group, refused())).rejects.toThrow('ECONNREFUSED');
    expect(refreshes).toBe(0);
  });
});
