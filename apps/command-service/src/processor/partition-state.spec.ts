import { encodeEvent, encodeJson, envelope, type IdempotencyRecord } from '@carts/contracts';
import { WRITER_PROGRESS_KEY, encodeWriterProgress } from '@carts/event-log';
import type { CartEvent } from '@carts/domain';
import { PartitionState } from './partition-state';

const CART = '6f1c2a9e-0b7d-4e3a-9c55-1d2e3f4a5b6c';
const NOW = Date.parse('2026-01-01T12:00:00Z');
const DAY = 86_400_000;
const created: CartEvent = { type: 'CartCreated', data: { customerId: 'c-1' } };
const added: CartEvent = { type: 'ItemAdded', data: { sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 1, currency: 'EUR', lineQuantity: 1 } };
const record = (event: CartEvent, version: number) =>
  encodeEvent(envelope(event, { eventId: `e${version}`, cartId: CART, version, occurredAt: new Date(NOW).toISOString(), commandId: 'c', correlationId: 'c' }));
const idem = (key: string, ageMs: number): IdempotencyRecord =>
  ({ cartId: CART, key, requestHash: 'h', outcome: { status: 'accepted', cartId: CART, version: 1 }, recordedAt: new Date(NOW - ageMs).toISOString() });

describe('PartitionState restore', () => {
  it('folds a cart from its events, ignoring a repeated or out-of-order version', () => {
    const state = new PartitionState(DAY);
    [record(created, 1), record(created, 1), record(added, 3), record(added, 2)].forEach((v) => state.restoreEvent(v));
    expect(state.cart(CART)).toMatchObject({ version: 2, state: { status: 'open', lines: [{ sku: 'MUG', quantity: 1 }] } });
  });

  it('keeps the version moving past an event type it does not know (written by a newer writer)', () => {
    const state = new PartitionState(DAY);
    state.restoreEvent(record(created, 1));
    state.restoreEvent(Buffer.from(JSON.stringify({ ...JSON.parse(record(created, 2).toString()), type: 'CartRenamed' })));
    expect(state.cart(CART).version).toBe(2);
  });

  it('skips unreadable event records instead of failing the restore', () => {
    const state = new PartitionState(DAY);
    state.restoreEvent(Buffer.from('{oops'));
    state.restoreEvent(null);
    expect(state.carts.size).toBe(0);
  });

  it('restores idempotency records within the retention only', () => {
    const state = new PartitionState(DAY);
    state.restoreIdempotency(`${CART}/fresh`, encodeJson(idem('fresh', DAY - 1)), NOW);
    state.restoreIdempotency(`${CART}/stale`, encodeJson(idem('stale', DAY + 1)), NOW);
    expect([...state.idempotency.keys()]).toEqual([`${CART}/fresh`]);
  });

  it("takes the writer's last progress record from the same topic, and ignores a garbled one", () => {
    const state = new PartitionState(DAY);
    expect(state.writerProgress).toBeNull();
    state.restoreIdempotency(WRITER_PROGRESS_KEY, encodeWriterProgress(41n), NOW);
    state.restoreIdempotency(WRITER_PROGRESS_KEY, encodeWriterProgress(57n), NOW);
    state.restoreIdempotency(WRITER_PROGRESS_KEY, Buffer.from('garbage'), NOW);
    expect(state.writerProgress).toBe(57n);
    expect(state.idempotency.size).toBe(0);
  });
});
