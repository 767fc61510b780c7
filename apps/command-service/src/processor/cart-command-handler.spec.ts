import { decodeEvent, encodeEvent, encodeJson, envelope, topicNames, type CommandMessage, type CommandReply, type IdempotencyRecord } from '@carts/contracts';
import { Logger } from '@nestjs/common';
import { register } from 'prom-client';
import type { CartCommand, CartEvent } from '@carts/domain';
import type { LogRecord, OutboundRecord } from '@carts/event-log';
import { CartCommandHandler } from './cart-command-handler';
import { PartitionState } from './partition-state';

const TOPICS = topicNames('t.');
const P = 3;
const CART = '6f1c2a9e-0b7d-4e3a-9c55-1d2e3f4a5b6c';
const NOW = new Date('2026-01-01T12:00:00.000Z');
const created: CartEvent = { type: 'CartCreated', data: { customerId: 'c-1' } };
const addMug = (quantity = 1): CartCommand => ({ type: 'AddItem', data: { sku: 'MUG', name: 'Mug', quantity, unitPrice: 1250, currency: 'EUR' } });

/** Every cart on partition `p`. */
const home = (p: number) => ({ ready: async () => undefined, of: () => p });

let offset = 0;
const commandRecord = (command: CartCommand, extra: Partial<CommandMessage> = {}): LogRecord => {
  const msg: CommandMessage = { commandId: `cmd-${offset}`, correlationId: `corr-${offset}`, cartId: CART, command, replyPartition: 7, deadline: NOW.getTime() + 1000, ...extra };
  return { topic: TOPICS.commands, partition: P, offset: String(offset++), key: CART, value: encodeJson(msg), timestamp: '0' };
};

/** A partition whose log already holds `history` for CART (versions 1..n). */
async function handlerWith(history: CartEvent[], idempotency: IdempotencyRecord[] = []): Promise<CartCommandHandler> {
  let n = 0;
  const restorer = {
    restore: async () => {
      const state = new PartitionState(86_400_000);
      history.forEach((event, i) => state.restoreEvent(encodeEvent(envelope(event, { eventId: `old-${i}`, cartId: CART, version: i + 1, occurredAt: NOW.toISOString(), commandId: 'old', correlationId: 'old' }))));
      idempotency.forEach((r) => state.restoreIdempotency(`${r.cartId}/${r.key}`, encodeJson(r), NOW.getTime()));
      return { state, recordsRead: history.length, fromStandby: false };
    },
    release: () => undefined,
  };
  const handler = new CartCommandHandler(restorer, TOPICS, 12, { now: () => NOW }, { next: () => `evt-${++n}` }, home(P));
  await handler.restore(P, async () => undefined);
  return handler;
}

const metric = async (name: string, labels: Record<string, string>): Promise<number> =>
  ((await register.getSingleMetric(name)?.get())?.values ?? []).filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((n, v) => n + v.value, 0);
const on = (records: readonly OutboundRecord[], topic: string) => records.filter((r) => r.topic === topic);
const events = (records: readonly OutboundRecord[]) => on(records, TOPICS.events).map((r) => decodeEvent(r.value)).map((d) => (d.kind === 'event' ? d.event : undefined));
const replies = (records: readonly OutboundRecord[]) => on(records, TOPICS.replies).map((r) => JSON.parse(r.value.toString()) as CommandReply);

describe('CartCommandHandler.handle', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['error', 'warn', 'log']));

  it('appends the events in an envelope (next version, injected id and clock, command and correlation ids), keyed by cart on the same partition', async () => {
    const handler = await handlerWith([created]);
    const step = handler.handle(P, [commandRecord(addMug(2), { commandId: 'cmd-x', correlationId: 'corr-x' })]);
    expect(on(step.records, TOPICS.events)).toEqual([expect.objectContaining({ partition: P, key: CART })]);
    expect(events(step.records)).toEqual([{
      eventId: 'evt-1', type: 'ItemAdded', schemaVersion: 1, cartId: CART, version: 2, occurredAt: NOW.toISOString(), commandId: 'cmd-x', correlationId: 'corr-x',
      data: { sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: 1250, currency: 'EUR', lineQuantity: 2 },
    }]);
    expect(on(step.records, TOPICS.replies)).toEqual([expect.objectContaining({ partition: 7 })]);
    expect(replies(step.records)).toEqual([{ commandId: 'cmd-x', outcome: { status: 'accepted', cartId: CART, version: 2 } }]);
    expect(on(step.records, TOPICS.idempotency)).toEqual([]);
  });

  it('decides each command of a batch on the state left by the previous one', async () => {
    const handler = await handlerWith([created]);
    const step = handler.handle(P, [commandRecord(addMug()), commandRecord(addMug()), commandRecord({ type: 'Checkout', data: {} })]);
    expect(events(step.records).map((e) => [e?.type, e?.version])).toEqual([['ItemAdded', 2], ['ItemAdded', 3], ['CartCheckedOut', 4]]);
    expect(events(step.records)[2]?.data).toMatchObject({ itemCount: 2, total: 2500, currency: 'EUR' });
  });

  it('moves its state only once the transaction committed: an aborted step is decided again from the same version', async () => {
    const handler = await handlerWith([created]);
    const aborted = handler.handle(P, [commandRecord(addMug())]);
    const retried = handler.handle(P, [commandRecord(addMug())]);
    expect(events(aborted.records)[0]?.version).toBe(2);
    expect(events(retried.records)[0]?.version).toBe(2);
    retried.committed();
    expect(events(handler.handle(P, [commandRecord(addMug())]).records)[0]?.version).toBe(3);
  });

  it('refuses an If-Match mismatch with the current version and appends nothing', async () => {
    const handler = await handlerWith([created]);
    const step = handler.handle(P, [commandRecord(addMug(), { expectedVersion: 0 })]);
    expect(events(step.records)).toEqual([]);
    expect(replies(step.records)[0].outcome).toMatchObject({ status: 'rejected', kind: 'version_conflict', version: 1 });
  });

  it('lets exactly one of several commands with the same If-Match through', async () => {
    const handler = await handlerWith([created]);
    const step = handler.handle(P, Array.from({ length: 5 }, () => commandRecord(addMug(), { expectedVersion: 1 })));
    expect(events(step.records)).toHaveLength(1);
    expect(replies(step.records).map((r) => r.outcome.status)).toEqual(['accepted', 'rejected', 'rejected', 'rejected', 'rejected']);
  });

  it('applies the same Idempotency-Key once per batch, answers every copy with the first outcome, and records it', async () => {
    const handler = await handlerWith([created]);
    const step = handler.handle(P, [1, 2, 3].map(() => commandRecord(addMug(), { idempotencyKey: 'k', requestHash: 'h' })));
    expect(events(step.records)).toHaveLength(1);
    expect(new Set(replies(step.records).map((r) => JSON.stringify(r.outcome)))).toEqual(new Set([JSON.stringify({ status: 'accepted', cartId: CART, version: 2 })]));
    const recorded = on(step.records, TOPICS.idempotency);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ partition: P, key: `${CART}/k` });
    expect(JSON.parse(recorded[0].value.toString())).toMatchObject({ cartId: CART, key: 'k', requestHash: 'h', recordedAt: NOW.toISOString() });
  });

  it('answers a retry from the restored idempotency records (after a restart) without appending, and 422s another request', async () => {
    const first = { status: 'accepted', cartId: CART, version: 2 } as const;
    const handler = await handlerWith([created, { type: 'ItemAdded', data: { sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 1250, currency: 'EUR', lineQuantity: 1 } }],
      [{ cartId: CART, key: 'k', requestHash: 'h', outcome: first, recordedAt: new Date(NOW.getTime() - 60_000).toISOString() }]);
    const step = handler.handle(P, [commandRecord(addMug(), { idempotencyKey: 'k', requestHash: 'h' }), commandRecord(addMug(), { idempotencyKey: 'k', requestHash: 'other' })]);
    expect(events(step.records)).toEqual([]);
    expect(replies(step.records).map((r) => r.outcome)).toEqual([first, expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED' })]);
  });

  it('appends nothing for a command whose deadline has passed', async () => {
    const handler = await handlerWith([created]);
    const step = handler.handle(P, [commandRecord(addMug(), { deadline: NOW.getTime() - 1, idempotencyKey: 'k', requestHash: 'h' })]);
    expect(on(step.records, TOPICS.events)).toEqual([]);
    expect(on(step.records, TOPICS.idempotency)).toEqual([]);
    expect(replies(step.records)[0].outcome).toMatchObject({ code: 'COMMAND_EXPIRED' });
  });

  it('skips unreadable commands (no reply to route) and keeps going', async () => {
    const handler = await handlerWith([created]);
    const garbage: LogRecord = { topic: TOPICS.commands, partition: P, offset: '99', key: CART, value: Buffer.from('{not json'), timestamp: '0' };
    const step = handler.handle(P, [garbage, commandRecord(addMug(), { replyPartition: 12 }), commandRecord(addMug())]);
    expect(events(step.records).map((e) => e?.version)).toEqual([2]);
    expect(replies(step.records)).toHaveLength(1);
  });

  it('hands its state back on release, and a commit completing after that never moves a cart backwards', async () => {
    const state = new PartitionState(86_400_000);
    state.restoreEvent(encodeEvent(envelope(created, { eventId: 'old', cartId: CART, version: 1, occurredAt: NOW.toISOString(), commandId: 'old', correlationId: 'old' })));
    const released: PartitionState[] = [];
    const restorer = {
      restore: async () => ({ state, recordsRead: 1, fromStandby: true }),
      release: (_: number, released_: PartitionState) => void released.push(released_),
    };
    const handler = new CartCommandHandler(restorer, TOPICS, 12, { now: () => NOW }, { next: () => 'evt' }, home(P));
    await handler.restore(P, async () => undefined);
    const step = handler.handle(P, [commandRecord(addMug())]);
    handler.release(P);
    expect(released).toEqual([state]);
    // Meanwhile the standby tail applied this commit's event and a new owner's next one.
    state.carts.set(CART, { state: state.cart(CART).state, version: 3 });
    step.committed();
    expect(state.cart(CART).version).toBe(3);
  });

  it('refuses to handle a partition it does not own (released after a rebalance)', async () => {
    const handler = await handlerWith([created]);
    handler.release(P);
    expect(() => handler.handle(P, [commandRecord(addMug())])).toThrow(/not owned/);
  });

  it('says once, at takeover, which event records its restore skipped and why, and counts them', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const state = new PartitionState(86_400_000);
      const at = (o: number, value: Buffer): LogRecord => ({ topic: TOPICS.events, partition: P, offset: String(o), key: CART, value, timestamp: '0' });
      const event = (e: CartEvent, version: number) => encodeEvent(envelope(e, { eventId: `e${version}`, cartId: CART, version, occurredAt: NOW.toISOString(), commandId: 'c', correlationId: 'c' }));
      state.apply([at(1, event(created, 1)), at(4, Buffer.from('{not json')), at(9, event(created, 7))], TOPICS, NOW.getTime());
      expect(state.skipped.map((s) => [s.at, s.reason])).toEqual([[`${TOPICS.events}/${P}@4`, 'unreadable'], [`${TOPICS.events}/${P}@9`, 'not_next_version']]);
      const restorer = { restore: async () => ({ state, recordsRead: 3, fromStandby: true }), release: () => undefined };
      const handler = new CartCommandHandler(restorer, TOPICS, 12, { now: () => NOW }, { next: () => 'evt' }, home(P));
      register.resetMetrics();
      await handler.restore(P, async () => undefined);
      const lines = warn.mock.calls.map(([line]) => String(line)).filter((line) => line.includes('skipped'));
      expect(lines).toEqual([expect.stringMatching(new RegExp(`partition ${P}: skipped 2 event record\\(s\\) while restoring that do not continue their cart ` +
        `\\(t\\.cart-events/${P}@4 unreadable: value is not valid JSON; t\\.cart-events/${P}@9 not_next_version: CartCreated claiming version 7 of cart ${CART}, which is at 1\\)`))]);
      expect(await metric('writer_restore_skipped_events_total', { reason: 'not_next_version' })).toBe(1);
      expect(await metric('writer_restore_skipped_events_total', { reason: 'unreadable' })).toBe(1);
      handler.release(P);
      await handler.restore(P, async () => undefined);
      expect(warn.mock.calls.filter(([line]) => String(line).includes('skipped'))).toHaveLength(1);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('CartCommandHandler: command records the gateway could not have written', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['error', 'warn', 'log']));
  beforeEach(() => register.resetMetrics());

  it('answers invalid to a cart id that hashes to another partition, appends and remembers nothing, counts it', async () => {
    const handler = await handlerWith([created]);
    const foreign = '0b3c7a1e-5d2f-4e6a-8b9c-0d1e2f3a4b5c';
    const restorer = { restore: async () => ({ state: new PartitionState(86_400_000), recordsRead: 0, fromStandby: false }), release: () => undefined };
    const strict = new CartCommandHandler(restorer, TOPICS, 12, { now: () => NOW }, { next: () => 'evt' }, { ready: async () => undefined, of: (cartId) => (cartId === CART ? P : P + 1) });
    await strict.restore(P, async () => undefined);
    const step = strict.handle(P, [commandRecord({ type: 'CreateCart', data: { customerId: 'c-1' } }, { cartId: foreign, idempotencyKey: 'k', requestHash: 'h' })]);
    expect(on(step.records, TOPICS.events)).toEqual([]);
    expect(on(step.records, TOPICS.idempotency)).toEqual([]);
    expect(replies(step.records)[0].outcome).toEqual({ status: 'rejected', cartId: foreign, kind: 'invalid', code: 'MALFORMED_COMMAND',
      message: `Cart ${foreign} belongs to partition ${P + 1}, not ${P}`, version: 0 });
    expect(await metric('writer_invalid_commands_total', { reason: 'wrong_partition' })).toBe(1);
    // The same handler still serves the carts that are its own.
    expect(events(handler.handle(P, [commandRecord(addMug())]).records).map((e) => e?.version)).toEqual([2]);
  });

  it('answers invalid to fields the HTTP layer refuses, appends nothing, and decides the next command of the batch as usual', async () => {
    const handler = await handlerWith([created]);
    const bad: CartCommand[] = [
      addMug(0), addMug(1001), { ...addMug(), data: { ...addMug().data, sku: 'a mug' } } as CartCommand, { ...addMug(), data: { ...addMug().data, currency: 'XXX' } } as CartCommand,
      { ...addMug(), data: { ...addMug().data, discount: 5 } } as unknown as CartCommand, { type: 'Checkout', data: { now: true } } as unknown as CartCommand,
      { type: 'Explode', data: {} } as unknown as CartCommand, { type: 'ChangeItemQuantity', data: { sku: 'MUG', quantity: -1 } },
    ];
    const step = handler.handle(P, [...bad.map((c) => commandRecord(c, { idempotencyKey: 'k', requestHash: 'h' })), commandRecord(addMug(2))]);
    expect(replies(step.records).map((r) => r.outcome.status === 'rejected' ? r.outcome.kind : r.outcome.status)).toEqual([...bad.map(() => 'invalid'), 'accepted']);
    expect(replies(step.records)[0].outcome).toMatchObject({ code: 'MALFORMED_COMMAND', message: expect.stringContaining('command.data.quantity'), version: 1 });
    expect(events(step.records).map((e) => [e?.version, e?.data])).toEqual([[2, expect.objectContaining({ quantity: 2 })]]);
    expect(on(step.records, TOPICS.idempotency)).toEqual([]);
    expect(await metric('writer_invalid_commands_total', { reason: 'invalid_fields' })).toBe(bad.length);
  });
});
