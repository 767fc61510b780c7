import { logMismatch, type StoredBinding } from './log-binding';

const log = (clusterId = 'c-1', topic = 'cart-events', ends: [number, bigint][] = [[0, 100n], [1, 50n]]) =>
  ({ identity: { clusterId, topic, partitions: ends.length }, endOffsets: new Map(ends) });
const bound: StoredBinding = { clusterId: 'c-1', topic: 'cart-events', partitions: 2 };
const unbound: StoredBinding = { clusterId: null, topic: null, partitions: null };
const at = (partition: number, nextOffset: bigint, topic = 'cart-events') => ({ topic, partition, nextOffset });

describe('logMismatch: do stored offsets belong to this log?', () => {
  it('accepts the log a generation is bound to, with offsets up to its end', () => {
    expect(logMismatch(bound, [at(0, 100n), at(1, 10n)], log())).toBeNull();
  });

  it('accepts a new or pre-binding generation whose offsets fit the log', () => {
    expect(logMismatch(unbound, [], log())).toBeNull();
    expect(logMismatch(unbound, [at(0, 7n)], log())).toBeNull();
  });

  it('refuses another cluster (a freshly formatted broker), another topic, another partition count, and says what to do', () => {
    expect(logMismatch(bound, [], log('c-2'))).toMatch(/^built from another log \(cluster c-1, topic cart-events, 2 partitions\), now reading cluster c-2, topic cart-events, 2 partitions: rebuild it .*cartctl rebuild/);
    expect(logMismatch(bound, [], log('c-1', 'b.cart-events'))).toMatch(/now reading cluster c-1, topic b.cart-events/);
    expect(logMismatch(bound, [], log('c-1', 'cart-events', [[0, 1n]]))).toMatch(/1 partitions/);
  });

  it('refuses an offset beyond the log end even when the identity matches (a topic recreated under the same name)', () => {
    expect(logMismatch(bound, [at(1, 51n)], log(), 'cart-details')).toBe(
      'stored offset 51 of partition 1 is beyond the log\'s end (50): the topic was recreated or the database comes from another environment; rebuild it against this log with "cartctl rebuild cart-details"');
  });

  it('refuses an unbound generation with offsets of another topic or partition (a database from before bindings)', () => {
    expect(logMismatch(unbound, [at(0, 1n, 'a.cart-events')], log())).toMatch(/^offsets stored for topic a.cart-events, now reading cart-events/);
    expect(logMismatch(unbound, [at(5, 1n)], log())).toMatch(/partition 5, which cart-events does not have/);
  });
});
