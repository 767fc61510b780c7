import type { EachBatchPayload, Kafka } from 'kafkajs';
import type { LogAdmin } from './log-admin';
import { ProjectionConsumer, type ProjectionConsumerListener, type ProjectionSink, type SinkOutcome } from './projection-consumer';

const TOPIC = 'cart-events';
const unavailable = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/** kafkajs' consumer as far as ProjectionConsumer uses it: the test plays the broker (assignment, batches). */
function fakeKafka() {
  const handlers = new Map<string, (event: { payload: unknown }) => void>();
  let eachBatch!: (payload: EachBatchPayload) => Promise<void>;
  const consumer = {
    events: { GROUP_JOIN: 'join', CRASH: 'crash', END_BATCH_PROCESS: 'end' },
    on: (name: string, handler: (event: { payload: unknown }) => void) => handlers.set(name, handler),
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async (options: { eachBatch: typeof eachBatch }) => void (eachBatch = options.eachBatch),
    seek: jest.fn(),
    pause: jest.fn(),
    resume: jest.fn(),
    disconnect: async () => undefined,
  };
  return {
    kafka: { consumer: () => consumer } as unknown as Kafka,
    consumer,
    assign: (partitions: number[]) => handlers.get('join')!({ payload: { memberAssignment: { [TOPIC]: partitions } } }),
    batch: (partition: number, offsets: number[], control: { stale?: () => boolean } = {}) => {
      const payload = {
        batch: {
          topic: TOPIC, partition,
          messages: offsets.map((o) => ({ offset: String(o), key: Buffer.from('cart'), value: Buffer.from('{}'), timestamp: '0' })),
          firstOffset: () => String(offsets[0]), lastOffset: () => String(offsets[offsets.length - 1]),
        },
        resolveOffset: jest.fn(), heartbeat: jest.fn(async () => undefined), isRunning: () => true, isStale: control.stale ?? (() => false), pause: jest.fn(),
      };
      return { payload, done: eachBatch(payload as unknown as EachBatchPayload) };
    },
  };
}

/** A sink whose store fails `failures` times with `error` before each write succeeds (resume too, when asked). */
function flakySink(failures: number, error: () => Error, resumeFailures = 0) {
  let left = failures;
  let resumeLeft = resumeFailures;
  const sink = {
    resume: jest.fn(async () => {
      if (resumeLeft-- > 0) throw error();
      return { kind: 'resume' as const, offsets: new Map([[0, 0n]]) };
    }),
    apply: jest.fn(async (..._args: Parameters<ProjectionSink['apply']>): Promise<SinkOutcome> => {
      if (left-- > 0) throw error();
      return { kind: 'applied' };
    }),
    transientReason: (e: unknown) => ((e as { code?: string }).code === 'ECONNREFUSED' ? `database unavailable: ${(e as Error).message}` : null),
  } satisfies ProjectionSink;
  return sink;
}

async function consumerWith(sink: ProjectionSink) {
  const fake = fakeKafka();
  const listener = { waiting: jest.fn(), resumed: jest.fn(), crashed: jest.fn(), consuming: jest.fn() } satisfies ProjectionConsumerListener;
  const logger = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };
  const admin = { snapshot: async () => ({ identity: {}, endOffsets: new Map() }) } as unknown as LogAdmin;
  const consumer = new ProjectionConsumer(fake.kafka, { groupId: 'g', topic: TOPIC, logger }, sink, admin, listener);
  await consumer.start();
  return { fake, listener, logger, consumer };
}

describe('ProjectionConsumer while the database is unavailable', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('keeps the batch, waits with backoff while heartbeating, then applies it once and says it is back', async () => {
    const sink = flakySink(3, unavailable);
    const { fake, listener, logger } = await consumerWith(sink);
    fake.assign([0]);
    const { payload, done } = fake.batch(0, [0, 1, 2]);
    await jest.advanceTimersByTimeAsync(20_000);
    await done;

    // The same records and the same compare-and-set every time: 3 refused, the 4th applied.
    expect(sink.apply.mock.calls.map((c) => [c[1], (c[2] as unknown[]).length, c[3], c[4]])).toEqual(Array(4).fill([0, 3, 0n, 3n]));
    expect(payload.resolveOffset).toHaveBeenCalledTimes(1);
    expect(payload.resolveOffset).toHaveBeenCalledWith('2');
    expect(payload.heartbeat).toHaveBeenCalled();
    expect(listener.waiting).toHaveBeenCalledTimes(1);
    expect(listener.waiting).toHaveBeenCalledWith('database unavailable: connect ECONNREFUSED 127.0.0.1:5432');
    expect(listener.resumed).toHaveBeenCalledTimes(1);
    // One line when it goes, one when it is back: not one per attempt.
    expect(logger.warn.mock.calls.map((c) => c[0])).toEqual([
      expect.stringMatching(/^g: database unavailable: .*; waiting for it/), expect.stringMatching(/^g: the database is back after \d+ s; applying again$/)]);
    expect(fake.consumer.seek).toHaveBeenCalledTimes(1); // only the seek to the stored position on assignment
  });

  it('backs off 250 ms, 500 ms … at most 5 s between attempts', async () => {
    const sink = flakySink(8, unavailable);
    const { fake } = await consumerWith(sink);
    fake.assign([0]);
    const attemptsAt: number[] = [];
    const apply = sink.apply.getMockImplementation()!;
    sink.apply.mockImplementation(async () => {
      attemptsAt.push(Date.now()); // the fake clock
      return apply(TOPIC, 0, [], 0n, 1n);
    });
    const { done } = fake.batch(0, [0]);
    await jest.advanceTimersByTimeAsync(30_000);
    await done;
    const gaps = attemptsAt.slice(1).map((at, i) => at - attemptsAt[i]);
    expect(gaps).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
  });

  it('hands any other error to kafkajs at once, after seeking back to the unapplied records', async () => {
    const sink = flakySink(1, () => new Error('permission denied for table cart_details'));
    const { fake, listener } = await consumerWith(sink);
    fake.assign([0]);
    const { done } = fake.batch(0, [0]);
    await expect(done).rejects.toThrow(/permission denied/);
    expect(listener.waiting).not.toHaveBeenCalled();
    expect(fake.consumer.seek).toHaveBeenLastCalledWith({ topic: TOPIC, partition: 0, offset: '0' });
  });

  it('gives the batch up unresolved when the partition is sought elsewhere meanwhile (a rebalance, a moved position)', async () => {
    const sink = flakySink(100, unavailable);
    const { fake } = await consumerWith(sink);
    fake.assign([0]);
    let stale = false;
    const { payload, done } = fake.batch(0, [0], { stale: () => stale });
    await jest.advanceTimersByTimeAsync(1000);
    stale = true;
    await jest.advanceTimersByTimeAsync(5000);
    await done;
    expect(payload.resolveOffset).not.toHaveBeenCalled();
  });

  it('reads the stored positions again when the database was down at assignment, and only then applies', async () => {
    const sink = flakySink(0, unavailable, 1);
    const { fake, listener } = await consumerWith(sink);
    fake.assign([0]);
    await jest.advanceTimersByTimeAsync(0);
    expect(listener.waiting).toHaveBeenCalledWith(expect.stringMatching(/^database unavailable/));
    // A retry timer reads them again even when no batch comes (an idle topic).
    await jest.advanceTimersByTimeAsync(5000);
    expect(sink.resume).toHaveBeenCalledTimes(2);
    expect(listener.resumed).toHaveBeenCalledTimes(1);
    const { payload, done } = fake.batch(0, [0]);
    await jest.advanceTimersByTimeAsync(0);
    await done;
    expect(payload.resolveOffset).toHaveBeenCalledWith('0');
  });
});
