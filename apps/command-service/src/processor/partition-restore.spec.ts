import { encodeEvent, encodeJson, envelope, topicNames, type IdempotencyRecord } from '@carts/contracts';
import type { CartEvent } from '@carts/domain';
import { WRITER_PROGRESS_KEY, encodeWriterProgress, type LogRecord, type ReadOptions, type ReadSpec } from '@carts/event-log';
import { PartitionRestorer, type StandbySource } from './partition-restore';
import { PartitionState } from './partition-state';

const TOPICS = topicNames('t.');
const P = 2;
const NOW = Date.parse('2026-01-01T12:00:00Z');
const DAY = 86_400_000;
const CARTS = ['6f1c2a9e-0b7d-4e3a-9c55-1d2e3f4a5b6c', '0c5d7a31-2f64-4e8b-8d1a-7b3c9e2f4a10', 'a3e1f0b2-5c47-4d96-b1e8-2f7a6c9d0e35'];
const added = (n: number): CartEvent => ({ type: 'ItemAdded', data: { sku: `S${n}`, name: 'x', quantity: 1, unitPrice: n, currency: 'EUR', lineQuantity: 1 } });

/** A partition's log: per cart CartCreated then items, interleaved, with idempotency and progress records. */
function partitionLog(): { events: LogRecord[]; idempotency: LogRecord[] } {
  const events: LogRecord[] = [];
  const idempotency: LogRecord[] = [];
  const rec = (topic: string, list: LogRecord[], key: string, value: Buffer) =>
    list.push({ topic, partition: P, offset: String(list.length * 2 + 1), key, value, timestamp: '0' }); // gaps, like transaction markers
  for (let i = 0; i < 60; i++) {
    const cartId = CARTS[i % CARTS.length];
    const version = Math.floor(i / CARTS.length) + 1;
    const event = version === 1 ? { type: 'CartCreated', data: { customerId: 'c' } } as CartEvent : added(i);
    rec(TOPICS.events, events, cartId, encodeEvent(envelope(event, { eventId: `e${i}`, cartId, version, occurredAt: new Date(NOW).toISOString(), commandId: 'c', correlationId: 'c' })));
    const idem: IdempotencyRecord = { cartId, key: `k${i % 7}`, requestHash: `h${i}`, outcome: { status: 'accepted', cartId, version }, recordedAt: new Date(NOW).toISOString() };
    rec(TOPICS.idempotency, idempotency, `${cartId}/k${i % 7}`, encodeJson(idem));
    rec(TOPICS.idempotency, idempotency, WRITER_PROGRESS_KEY, encodeWriterProgress(BigInt(i + 1)));
  }
  return { events, idempotency };
}

/** A readPartitionsToEnd over an in-memory log, counting the records it hands out. */
function memoryReader(log: { events: LogRecord[]; idempotency: LogRecord[]; progress?: LogRecord[] }) {
  const reader = async (specs: readonly ReadSpec[], onBatch: (records: LogRecord[]) => Promise<void>) => {
    for (const spec of specs) {
      const all = spec.topic === TOPICS.events ? log.events : spec.topic === TOPICS.writerProgress ? log.progress ?? [] : log.idempotency;
      const wanted = all.filter((r) => BigInt(r.offset) >= BigInt(spec.fromOffset ?? '0'));
      reader.read += wanted.length;
      for (let i = 0; i < wanted.length; i += 7) await onBatch(wanted.slice(i, i + 7));
    }
  };
  reader.read = 0;
  return reader;
}

class FakeStandby implements StandbySource {
  readonly replicas = new Map<number, PartitionState>();
  take(partition: number): PartitionState | undefined {
    const r = this.replicas.get(partition);
    this.replicas.delete(partition);
    return r;
  }
  giveBack(partition: number, state: PartitionState): void {
    this.replicas.set(partition, state);
  }
}

const snapshot = (s: PartitionState) => ({
  carts: new Map(s.carts), idempotency: new Map(s.idempotency), progress: s.writerProgress, positions: new Map(s.positions),
});
const heartbeat = async () => undefined;

describe('standby hand-off', () => {
  const log = partitionLog();

  it('a standby that tailed part of the log, caught up to the end, equals a full restore and reads only the tail', async () => {
    const full = await new PartitionRestorer(memoryReader(log), TOPICS, DAY, () => NOW).restore(P, heartbeat);
    expect(full.fromStandby).toBe(false);
    expect(full.state.writerProgress).toBe(60n);

    const standby = new FakeStandby();
    const warm = new PartitionState(DAY);
    // The tail delivered a prefix of each topic, and re-delivered an overlap (a restart): skipped by offset.
    warm.apply([...log.events.slice(0, 40), ...log.idempotency.slice(0, 90)], TOPICS, NOW);
    warm.apply([...log.events.slice(30, 45), ...log.idempotency.slice(50, 100)], TOPICS, NOW);
    standby.giveBack(P, warm);
    const reader = memoryReader(log);
    const taken = await new PartitionRestorer(reader, TOPICS, DAY, () => NOW, standby).restore(P, heartbeat);

    expect(taken.fromStandby).toBe(true);
    expect(reader.read).toBe(15 + 20);
    expect(snapshot(taken.state)).toEqual(snapshot(full.state));
    expect(standby.replicas.has(P)).toBe(false);
  });

  it('an overlapping re-read never moves the writer progress back', () => {
    const state = new PartitionState(DAY);
    state.apply(log.idempotency, TOPICS, NOW);
    state.apply(log.idempotency.slice(0, 10), TOPICS, NOW);
    expect(state.writerProgress).toBe(60n);
  });

  it('a released replica becomes the standby again, and a later takeover reads only what was appended since', async () => {
    const standby = new FakeStandby();
    const head = { events: log.events.slice(0, 30), idempotency: log.idempotency.slice(0, 60) };
    const restorer = new PartitionRestorer(memoryReader(head), TOPICS, DAY, () => NOW, standby);
    const owned = await restorer.restore(P, heartbeat);
    restorer.release(P, owned.state);

    const reader = memoryReader(log);
    const again = await new PartitionRestorer(reader, TOPICS, DAY, () => NOW, standby).restore(P, heartbeat);
    const full = await new PartitionRestorer(memoryReader(log), TOPICS, DAY, () => NOW).restore(P, heartbeat);
    expect(again.fromStandby).toBe(true);
    expect(reader.read).toBe(30 + 60);
    expect(snapshot(again.state)).toEqual(snapshot(full.state));
  });

  it('gives a half caught-up replica back when the catch-up fails', async () => {
    const standby = new FakeStandby();
    standby.giveBack(P, new PartitionState(DAY));
    const failing = async (_: readonly ReadSpec[], onBatch: (records: LogRecord[]) => Promise<void>) => {
      await onBatch(log.events.slice(0, 5));
      throw new Error('broker went away');
    };
    await expect(new PartitionRestorer(failing, TOPICS, DAY, () => NOW, standby).restore(P, heartbeat)).rejects.toThrow('broker went away');
    expect(standby.replicas.get(P)?.positions.get(TOPICS.events)).toBe(BigInt(log.events[4].offset) + 1n);
  });
});

describe('writer progress', () => {
  const progressRecord = (offset: number, next: number): LogRecord =>
    ({ topic: TOPICS.writerProgress, partition: P, offset: String(offset), key: WRITER_PROGRESS_KEY, value: encodeWriterProgress(BigInt(next)), timestamp: '0' });
  const legacy = partitionLog(); // progress records in cart-idempotency, as written before cart-writer-progress

  it('is restored from cart-writer-progress, whatever cart-idempotency has lost to retention', async () => {
    const log = { events: legacy.events, idempotency: [], progress: [progressRecord(0, 10), progressRecord(2, 75)] };
    const { state } = await new PartitionRestorer(memoryReader(log), TOPICS, DAY, () => NOW).restore(P, heartbeat);
    expect(state.writerProgress).toBe(75n);
    expect(state.positions.get(TOPICS.writerProgress)).toBe(3n);
  });

  it('is still read from cart-idempotency in a log written before cart-writer-progress existed', async () => {
    const { state } = await new PartitionRestorer(memoryReader(legacy), TOPICS, DAY, () => NOW).restore(P, heartbeat);
    expect(state.writerProgress).toBe(60n);
  });

  it('is the later of the two records (an older instance may have written after a newer one, during an upgrade)', async () => {
    const ahead = { ...legacy, progress: [progressRecord(0, 30)] };
    expect((await new PartitionRestorer(memoryReader(ahead), TOPICS, DAY, () => NOW).restore(P, heartbeat)).state.writerProgress).toBe(60n);
    const behind = { ...legacy, progress: [progressRecord(0, 90)] };
    expect((await new PartitionRestorer(memoryReader(behind), TOPICS, DAY, () => NOW).restore(P, heartbeat)).state.writerProgress).toBe(90n);
  });
});

describe('a rebalance during a restore', () => {
  it("ends the restore with the writer group's signal, which the restorer hands its reader as keepAlive", async () => {
    const log = partitionLog();
    const signal = Object.assign(new Error('The group is rebalancing, so a rejoin is needed'), { type: 'REBALANCE_IN_PROGRESS' });
    const writerHeartbeat = async () => { throw signal; };
    const reader = async (_: readonly ReadSpec[], onBatch: (records: LogRecord[]) => Promise<void>, options: ReadOptions) => {
      await onBatch(log.events.slice(0, 5));
      await options.keepAlive?.(); // what readPartitionsToEnd does on its timer
      await onBatch(log.events.slice(5));
    };
    const standby = new FakeStandby();
    await expect(new PartitionRestorer(reader, TOPICS, DAY, () => NOW, standby).restore(P, writerHeartbeat)).rejects.toBe(signal);
    // Stopped where the signal came: the half-restored copy is kept as a standby for the next owner.
    expect(standby.replicas.get(P)?.positions.get(TOPICS.events)).toBe(BigInt(log.events[4].offset) + 1n);
  });
});
