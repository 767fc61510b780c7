import type { Producer, RecordMetadata } from 'kafkajs';
import { appendInTransaction, IncompleteAppendError, type OutboundRecord } from './transactional-append';

const record = (topic: string, partition: number): OutboundRecord => ({ topic, partition, key: 'k', value: Buffer.from('v') });
const ack = (topicName: string, partition: number, errorCode = 0): RecordMetadata => ({ topicName, partition, errorCode, baseOffset: '0' });

function producerAnswering(acks: RecordMetadata[]) {
  const calls: string[] = [];
  const transaction = {
    sendBatch: async () => { calls.push('send'); return acks; },
    commit: async () => { calls.push('commit'); },
    abort: async () => { calls.push('abort'); },
  };
  return { calls, producer: { transaction: async () => transaction } as unknown as Producer };
}

describe('appendInTransaction', () => {
  const records = [record('cart-events', 3), record('cart-replies', 0), record('cart-writer-progress', 3), record('cart-events', 3)];

  it('commits when every partition written to is acknowledged', async () => {
    const { calls, producer } = producerAnswering([ack('cart-events', 3), ack('cart-replies', 0), ack('cart-writer-progress', 3)]);
    await appendInTransaction(producer, records);
    expect(calls).toEqual(['send', 'commit']);
  });

  it('aborts instead of committing a send that resolved without one of its partitions (a moved leader, kafkajs#1303)', async () => {
    const { calls, producer } = producerAnswering([ack('cart-replies', 0), ack('cart-writer-progress', 3)]);
    const failure = appendInTransaction(producer, records);
    await expect(failure).rejects.toBeInstanceOf(IncompleteAppendError);
    await expect(failure).rejects.toThrow('the broker acknowledged no write to cart-events/3');
    expect(calls).toEqual(['send', 'abort']);
  });

  it('an acknowledgement with an error code does not count', async () => {
    const { calls, producer } = producerAnswering([ack('cart-events', 3, 6), ack('cart-replies', 0), ack('cart-writer-progress', 3)]);
    await expect(appendInTransaction(producer, records)).rejects.toBeInstanceOf(IncompleteAppendError);
    expect(calls).toEqual(['send', 'abort']);
  });
});
