import { isLocalDevelopmentCluster, minInsyncFor, replicationFactorFor, replicationVerdict, type TopicReplication } from './replication-policy';

describe('the local development stack', () => {
  it('is one broker (or two) on loopback, as KAFKA_BROKERS names it and as the cluster advertises it', () => {
    expect(isLocalDevelopmentCluster(['127.0.0.1:9092'], ['127.0.0.1'])).toBe(true);
    expect(isLocalDevelopmentCluster(['localhost:9096'], ['localhost'])).toBe(true);
    expect(isLocalDevelopmentCluster(['[::1]:9092'], ['::1'])).toBe(true);
  });

  it('is not a cluster of three, even on loopback (the cluster test, `npm run kafka -- start --brokers 3`)', () => {
    expect(isLocalDevelopmentCluster(['127.0.0.1:19492'], ['127.0.0.1', '127.0.0.1', '127.0.0.1'])).toBe(false);
  });

  it('is not a broker elsewhere, bootstrap or advertised (docker compose\'s kafka:9092, a managed cluster)', () => {
    expect(isLocalDevelopmentCluster(['kafka:9092'], ['kafka'])).toBe(false);
    expect(isLocalDevelopmentCluster(['127.0.0.1:9092'], ['b-1.kafka.internal'])).toBe(false);
    expect(isLocalDevelopmentCluster(['10.0.0.5:9092'], ['127.0.0.1'])).toBe(false);
    expect(isLocalDevelopmentCluster(['127.example.com:9092'], ['127.example.com'])).toBe(false);
  });
});

describe('the replication of created topics', () => {
  it('is KAFKA_REPLICATION_FACTOR when set, else 3, or every broker of a smaller cluster', () => {
    expect(replicationFactorFor(undefined, 1)).toBe(1);
    expect(replicationFactorFor(undefined, 2)).toBe(2);
    expect(replicationFactorFor(undefined, 3)).toBe(3);
    expect(replicationFactorFor(undefined, 5)).toBe(3);
    expect(replicationFactorFor(1, 5)).toBe(1);
    expect(replicationFactorFor(5, 5)).toBe(5);
  });

  it('asks 2 in-sync replicas per write, never more than there are replicas', () => {
    expect([1, 2, 3, 5].map(minInsyncFor)).toEqual([1, 2, 2, 2]);
  });
});

describe('replicationVerdict', () => {
  const healthy: TopicReplication[] = [{ topic: 'cart-events', replicationFactor: 3, minInsync: 2 }, { topic: '__transaction_state', replicationFactor: 3 }];
  const verdict = (topics: TopicReplication[], local = false, allowUnderReplicated = false) => replicationVerdict({ local, allowUnderReplicated, topics });

  it('starts a deployment whose topics keep 3 replicas and need 2 in sync', () => {
    expect(verdict(healthy)).toEqual({ warnings: [] });
    expect(verdict([{ topic: 'cart-events', replicationFactor: 5, minInsync: 3 }])).toEqual({ warnings: [] });
  });

  it('refuses a deployment with a topic of fewer replicas, existing or about to be created, and names every one', () => {
    const result = verdict([...healthy, { topic: 'cart-commands', replicationFactor: 1, minInsync: 1 }, { topic: 'cart-command-replies', replicationFactor: 2, minInsync: 2, planned: true }]);
    expect(result.warnings).toEqual([]);
    expect(result.refusal).toContain('cart-commands: replication factor 1, min.insync.replicas 1');
    expect(result.refusal).toContain('cart-command-replies (to be created): replication factor 2');
    expect(result.refusal).not.toContain('cart-events:');
    expect(result.refusal).toContain('KAFKA_ALLOW_UNDER_REPLICATED=true');
  });

  it('refuses min.insync.replicas 1 even with 3 replicas (acks=all would then wait for the leader alone)', () => {
    expect(verdict([{ topic: 'cart-events', replicationFactor: 3, minInsync: 1 }]).refusal).toContain('cart-events: min.insync.replicas 1');
  });

  it('does not guess a min.insync.replicas it could not read, but still checks the replicas', () => {
    expect(verdict([{ topic: 'cart-idempotency', replicationFactor: 3 }])).toEqual({ warnings: [] });
    expect(verdict([{ topic: '__consumer_offsets', replicationFactor: 1 }]).refusal).toContain('__consumer_offsets: replication factor 1');
  });

  it('starts anyway, loudly, when KAFKA_ALLOW_UNDER_REPLICATED=true', () => {
    const result = verdict([{ topic: 'cart-events', replicationFactor: 1, minInsync: 1 }], false, true);
    expect(result.refusal).toBeUndefined();
    expect(result.warnings).toEqual([expect.stringMatching(/^!!! under-replicated topics .*cart-events: replication factor 1.*KAFKA_ALLOW_UNDER_REPLICATED=true/)]);
  });

  it('lets the local development stack keep its one replica, with nothing to say', () => {
    expect(verdict([{ topic: 'cart-events', replicationFactor: 1, minInsync: 1 }], true)).toEqual({ warnings: [] });
  });
});
