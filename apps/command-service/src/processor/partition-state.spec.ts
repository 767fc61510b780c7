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

  it('folds only events that continue their cart: an unknown type, a version gap or a repeated version takes no version', () => {
    const state = new PartitionState(DAY);
    const unknownType = Buffer.from(JSON.stringify({ ...JSON.parse(record(created, 2).toString()), type: 'CartRenamed' }));
    const newerSchema = Buffer.from(JSON.stringify({ ...JSON.parse(record(added, 2).toString()), schemaVersion: 9 }));
    const skipped = [record(created, 1), unknownType, newerSchema, record(added, 9), record(created, 1), record(added, 2)].map((v) => state.restoreEvent(v));
    expect(skipped).toEqual([undefined,
      { reason: 'unknown_type', detail: `type CartRenamed claiming version 2 of cart ${CART}, which is at 1` },
      { reason: 'unknown_type', detail: `type ItemAdded@v9 claiming version 2 of cart ${CART}, which is at 1` },
      { reason: 'not_next_version', detail: `ItemAdded claiming version 9 of cart ${CART}, which is at 1` },
      // A version already folded is a re-read (a standby tailing its owner's commits): ignored, not reported.
      undefined, undefined]);
    expect(state.cart(CART)).toMatchObject({ version: 2, state: { lines: [{ sku: 'MUG', quantity: 1 }] } });
    expect(state.eventsRestored).toBe(2);
  });

  it('shows a hostile type or cart id JSON-quoted and cut, so it cannot forge or flood log lines', () => {
    const state = new PartitionState(DAY);
    const type = `X\nWARN [CommandProcessor] all good${'!'.repeat(200)}`;
    const skipped = state.restoreEvent(Buffer.from(JSON.stringify({ ...JSON.parse(record(created, 1).toString()), type })));
    expect(skipped?.detail).toBe(`type ${JSON.stringify(`${type.slice(0, 80)}…`)} claiming version 1 of cart ${CART}, which is at 0`);
    expect(skipped?.detail).not.toContain('\n');
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
