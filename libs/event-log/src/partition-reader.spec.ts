import { KafkaJSProtocolError, type EachBatchPayload, type Kafka } from 'kafkajs';
import { readPartitionsToEnd, type LogRecord } from './partition-reader';

/**
 * A kafkajs stand-in for the restore reader's own consumer over an endless partition, doing what
 * kafkajs' Runner does when eachBatch throws a group error: it takes it for its own group's,
 * rejoins and fetches again. The old reader let the caller's rebalance signal fall into that
 * loop, so a restore inside the writer's eachBatch never ended and the writer never rejoined.
 */
function endlessLog(range = { low: '0', high: String(Number.MAX_SAFE_INTEGER) }) {
  const state = { rejoins: 0, batches: 0, disconnected: false, running: false };
  const consumer = {
    events: { END_BATCH_PROCESS: 'end', CRASH: 'crash' },
    on: () => undefined,
    connect: async () => undefined,
    subscribe: async () => undefined,
    seek: () => undefined,
    disconnect: async () => { state.running = false; state.disconnected = true; },
    run: async ({ eachBatch }: { eachBatch: (p: EachBatchPayload) => Promise<void> }) => {
      state.running = true;
      void (async () => {
        for (let offset = 0; state.running; offset += 100) {
          const messages = Array.from({ length: 100 }, (_, i) => ({ offset: String(offset + i), key: null, value: Buffer.from('x'), timestamp: '0' }));
          const batch = { topic: 't', partition: 0, messages };
          try {
            state.batches++;
            await eachBatch({ batch, heartbeat: async () => undefined } as unknown as EachBatchPayload);
          } catch (error) {
            if ((error as { type?: string }).type === 'REBALANCE_IN_PROGRESS') state.rejoins++;
          }
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      })();
    },
  };
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    fetchTopicOffsets: async () => [{ partition: 0, ...range, offset: range.high }],
  };
  return { kafka: { consumer: () => consumer, admin: () => admin } as unknown as Kafka, state };
}

// What kafkajs' heartbeat throws when the group rebalances (its typings only admit an Error or a string).
const rebalancing = () => new KafkaJSProtocolError({ type: 'REBALANCE_IN_PROGRESS', code: 27, retriable: false, message: 'The group is rebalancing, so a rejoin is needed' } as unknown as Error);

describe('readPartitionsToEnd: a restore inside another group member', () => {
  it("ends with the member's rebalance signal from keepAlive (its heartbeat), even while the log never ends", async () => {
    const { kafka, state } = endlessLog();
    const signal = rebalancing();
    let beats = 0;
    const keepAlive = async () => { if (++beats >= 3) throw signal; };
    const records: LogRecord[] = [];
    const started = Date.now();

    await expect(readPartitionsToEnd(kafka, [{ topic: 't', partition: 0 }], (r) => void records.push(...r), { keepAlive, keepAliveMs: 20 }))
      .rejects.toBe(signal);

    expect(Date.now() - started).toBeLessThan(2000);
    expect(records.length).toBeGreaterThan(0); // it was mid-restore
    expect(state.rejoins).toBe(0); // the reader's own group never saw the signal
    expect(state.disconnected).toBe(true);
    const batchesAtEnd = state.batches;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(state.batches).toBe(batchesAtEnd); // nothing is read after the restore ended
  });

  it('ends with a rebalance signal thrown by onBatch, which never reaches the reader consumer', async () => {
    const { kafka, state } = endlessLog();
    const signal = rebalancing();
    let calls = 0;
    const onBatch = async () => { if (++calls === 5) throw signal; };

    await expect(readPartitionsToEnd(kafka, [{ topic: 't', partition: 0 }], onBatch)).rejects.toBe(signal);

    expect(state.rejoins).toBe(0);
    expect(calls).toBe(5);
    expect(state.disconnected).toBe(true);
  });

  it('keeps calling keepAlive for as long as the read runs, and stops once it is done', async () => {
    const { kafka } = endlessLog();
    let beats = 0;
    const keepAlive = async () => { beats++; };
    let batches = 0;
    const read = readPartitionsToEnd(kafka, [{ topic: 't', partition: 0 }], () => { if (++batches === 40) throw new Error('enough'); }, { keepAlive, keepAliveMs: 5 });
    await expect(read).rejects.toThrow('enough');
    const beatsAtEnd = beats;
    expect(beatsAtEnd).toBeGreaterThan(1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(beats).toBe(beatsAtEnd);
  });

  it('is done at once with a partition that retention emptied (log start = end): no batch would ever say so', async () => {
    const { kafka, state } = endlessLog({ low: '10', high: '10' });
    await readPartitionsToEnd(kafka, [{ topic: 't', partition: 0 }], () => { throw new Error('nothing to read'); });
    expect(state.batches).toBe(0);
  });
});
