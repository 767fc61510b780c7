import { randomUUID } from 'node:crypto';
import { encodeEvent, envelope, type EventEnvelope } from '@carts/contracts';
import type { CartEvent } from '@carts/domain';
import type { LogRecord } from '@carts/event-log';
import { generateCartEvents, isolatedEnv, snapshotGeneration, type IsolatedEnv } from '@carts/testing';
import { createGenerationTables, ensureActiveGeneration } from '../runtime/generations';
import { retryDeadLetters, skipDeadLetter } from '../runtime/dead-letters';
import { PostgresProjectionSink } from '../runtime/postgres-projection-sink';
import { PROJECTIONS } from './registry';

const events = generateCartEvents({ seed: 11, events: 4000 });
const TOPIC = 'idempotency-test';
const record = (e: EventEnvelope, offset: number): LogRecord => ({ topic: TOPIC, partition: 0, offset: String(offset), key: e.cartId, value: encodeEvent(e), timestamp: String(Date.parse(e.occurredAt)) });

const cartEvent = (cartId: string, version: number, e: CartEvent, commandId = 'c'): EventEnvelope =>
  envelope(e, { eventId: randomUUID(), cartId, version, occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, version)).toISOString(), commandId, correlationId: commandId });
const item = (sku: string): CartEvent => ({ type: 'ItemAdded', data: { sku, name: sku, quantity: 1, unitPrice: 100, currency: 'EUR', lineQuantity: 1 } });

/**
 * Each projection against real PostgreSQL: the same events delivered twice give the same rows as
 * once; an event that does not continue its cart is parked, and an operator's skip of it holds in
 * every later generation.
 */
describe('projections are idempotent by cart version', () => {
  let stack: IsolatedEnv;

  beforeAll(async () => {
    stack = await isolatedEnv('idempotency');
  });

  afterAll(async () => {
    await stack?.dispose();
  });

  async function newGeneration(name: string): Promise<number> {
    const projection = PROJECTIONS.find((p) => p.name === name)!;
    await ensureActiveGeneration(stack.ds, projection);
    const rows: { next: number }[] = await stack.ds.query(`SELECT max(generation) + 1 AS next FROM projection_generations WHERE projection = $1`, [name]);
    const next = Number(rows[0].next);
    await stack.ds.query(`INSERT INTO projection_generations (projection, generation, state) VALUES ($1, $2, 'building')`, [name, next]);
    await stack.ds.transaction((tx) => createGenerationTables(tx, projection, next));
    return next;
  }

  describe.each(PROJECTIONS.map((p) => [p.name, p] as const))('%s', (name, projection) => {
    const apply = (generation: number, batch: readonly EventEnvelope[]) =>
      stack.ds.transaction((tx) => projection.applyBatch(tx, generation, batch.filter((e) => projection.handles.includes(e.type))));

    it('applying every batch twice, and overlapping batches, changes nothing', async () => {
      const once = await newGeneration(name);
      for (let i = 0; i < events.length; i += 500) await apply(once, events.slice(i, i + 500));
      const twice = await newGeneration(name);
      for (let i = 0; i < events.length; i += 500) {
        await apply(twice, events.slice(i, i + 500));
        await apply(twice, events.slice(i, i + 500));
        await apply(twice, events.slice(Math.max(0, i - 250), i + 250));
      }
      const expected = await snapshotGeneration(stack.ds, projection, once);
      expect(Object.values(expected).every((rows) => rows.length > 0)).toBe(true);
      expect(await snapshotGeneration(stack.ds, projection, twice)).toEqual(expected);
    });

    it('the same event twice in one batch counts once', async () => {
      const reference = await newGeneration(name);
      const doubled = await newGeneration(name);
      const slice = events.slice(0, 600);
      await apply(reference, slice);
      await apply(doubled, slice.flatMap((e) => [e, e]));
      expect(await snapshotGeneration(stack.ds, projection, doubled)).toEqual(await snapshotGeneration(stack.ds, projection, reference));
    });

    it('through the sink: a redelivered batch fails the offset compare-and-set and applies nothing', async () => {
      const generation = await newGeneration(name);
      const sink = new PostgresProjectionSink(stack.ds, projection, generation);
      const records = events.slice(0, 1000).map(record);
      expect(await sink.apply(TOPIC, 0, records, 0n, 1000n)).toEqual({ kind: 'applied' });
      const before = await snapshotGeneration(stack.ds, projection, generation);
      expect(await sink.apply(TOPIC, 0, records, 0n, 1000n)).toEqual({ kind: 'moved', nextOffset: 1000n });
      expect(await sink.apply(TOPIC, 0, records.slice(500), 500n, 1000n)).toEqual({ kind: 'moved', nextOffset: 1000n });
      expect(await snapshotGeneration(stack.ds, projection, generation)).toEqual(before);
      expect(await sink.loadOffsets(TOPIC, [0])).toEqual(new Map([[0, 1000n]]));
    });

    it('through the sink: a forged version parks its cart; once skipped, retry and a new generation apply the real events', async () => {
      const cartId = randomUUID();
      const real = [cartEvent(cartId, 1, { type: 'CartCreated', data: { customerId: 'c-1' } }), cartEvent(cartId, 2, item('REAL-1')), cartEvent(cartId, 3, item('REAL-2'))];
      const records = [real[0], real[1], cartEvent(cartId, 9, item('FORGED'), 'forged'), real[2]].map((e, i) => record(e, 5000 + i));
      const letters = (generation: number): Promise<{ id: string; offset: string; kind: string; status: string; reason: string }[]> =>
        stack.ds.query(`SELECT id, "offset"::text, kind, status, reason FROM dead_letters WHERE projection = $1 AND generation = $2 ORDER BY "offset"`, [name, generation]);
      const reference = await newGeneration(name);
      await apply(reference, real);

      const first = await newGeneration(name);
      expect(await new PostgresProjectionSink(stack.ds, projection, first).apply(TOPIC, 0, records, 0n, 4n)).toEqual({ kind: 'applied' });
      const parked = await letters(first);
      expect(parked.map((l) => [l.offset, l.kind, l.status])).toEqual([['5002', 'poison', 'parked'], ['5003', 'blocked', 'parked']]);
      expect(parked[0].reason).toBe("version 9 does not continue the cart's version 2: not written by the command service (or a gap); not applied");
      expect(await snapshotGeneration(stack.ds, projection, first)).not.toEqual(await snapshotGeneration(stack.ds, projection, reference));

      await skipDeadLetter(stack.ds, parked[0].id);
      await retryDeadLetters(stack.ds, projection, { cartId });
      expect(await snapshotGeneration(stack.ds, projection, first)).toEqual(await snapshotGeneration(stack.ds, projection, reference));

      // A rebuild meets the forged record again: the operator's skip holds, the cart moves on.
      const second = await newGeneration(name);
      expect(await new PostgresProjectionSink(stack.ds, projection, second).apply(TOPIC, 0, records, 0n, 4n)).toEqual({ kind: 'applied' });
      expect((await letters(second)).map((l) => [l.offset, l.kind, l.status])).toEqual([['5002', 'poison', 'resolved']]);
      expect(await snapshotGeneration(stack.ds, projection, second)).toEqual(await snapshotGeneration(stack.ds, projection, reference));
    });
  });
});
