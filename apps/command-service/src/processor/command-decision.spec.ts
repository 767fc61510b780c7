import { evolve, initialState, type CartCommand, type CartEvent } from '@carts/domain';
import type { CommandMessage, IdempotencyRecord } from '@carts/contracts';
import { decideCommand } from './command-decision';
import type { CartEntry } from './partition-state';

const CART = '6f1c2a9e-0b7d-4e3a-9c55-1d2e3f4a5b6c';
const NOW = Date.parse('2026-01-01T12:00:00Z');

const given = (...events: CartEvent[]): CartEntry =>
  events.reduce<CartEntry>((e, event) => ({ state: evolve(e.state, event), version: e.version + 1 }), { state: initialState, version: 0 });
const created: CartEvent = { type: 'CartCreated', data: { customerId: 'c-1' } };
const mugAdded: CartEvent = { type: 'ItemAdded', data: { sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: 1250, currency: 'EUR', lineQuantity: 2 } };
const addMug: CartCommand = { type: 'AddItem', data: { sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 1250, currency: 'EUR' } };

const message = (command: CartCommand, extra: Partial<CommandMessage> = {}): CommandMessage =>
  ({ commandId: 'cmd-1', correlationId: 'corr-1', cartId: CART, command, replyPartition: 0, deadline: NOW + 1000, ...extra });

const record = (outcome: IdempotencyRecord['outcome'], requestHash = 'hash-a'): IdempotencyRecord =>
  ({ cartId: CART, key: 'key-1', requestHash, outcome, recordedAt: new Date(NOW - 1000).toISOString() });

describe('decideCommand', () => {
  it('accepts a valid command: the events, the next state and version, remembered under its key', () => {
    const entry = given(created, mugAdded);
    const decision = decideCommand(message(addMug), entry, undefined, NOW);
    expect(decision.outcome).toEqual({ status: 'accepted', cartId: CART, version: 3 });
    expect(decision.events).toEqual([{ type: 'ItemAdded', data: { ...addMug.data, lineQuantity: 3 } }]);
    expect(decision.next.version).toBe(3);
    expect(decision.next.state).toMatchObject({ lines: [{ sku: 'MUG', quantity: 3 }] });
    expect(decision.remember).toBe(true);
  });

  it('applies If-Match when the cart is at exactly that version', () => {
    const decision = decideCommand(message(addMug, { expectedVersion: 2 }), given(created, mugAdded), undefined, NOW);
    expect(decision.outcome).toMatchObject({ status: 'accepted', version: 3 });
  });

  it('refuses an If-Match mismatch as a version conflict, with the current version, appending nothing', () => {
    const entry = given(created, mugAdded);
    const decision = decideCommand(message(addMug, { expectedVersion: 1 }), entry, undefined, NOW);
    expect(decision.outcome).toEqual(expect.objectContaining({ status: 'rejected', kind: 'version_conflict', code: 'VERSION_CONFLICT', version: 2 }));
    expect(decision.events).toEqual([]);
    expect(decision.next).toBe(entry);
  });

  it('treats If-Match "0" on an existing cart as a conflict', () => {
    const decision = decideCommand(message({ type: 'CreateCart', data: { customerId: 'c-1' } }, { expectedVersion: 0 }), given(created), undefined, NOW);
    expect(decision.outcome).toMatchObject({ kind: 'version_conflict', version: 1 });
  });

  it('returns the first outcome for the same key and request, appending nothing', () => {
    const first = { status: 'accepted', cartId: CART, version: 2 } as const;
    const entry = given(created, mugAdded, mugAdded);
    const decision = decideCommand(message(addMug, { idempotencyKey: 'key-1', requestHash: 'hash-a' }), entry, record(first), NOW);
    expect(decision.outcome).toBe(first);
    expect(decision.events).toEqual([]);
    expect(decision.next).toBe(entry);
    expect(decision.remember).toBe(false);
  });

  it('returns the first rejection too: a retried 412 stays a 412 even once the version would match', () => {
    const first = { status: 'rejected', cartId: CART, kind: 'version_conflict', code: 'VERSION_CONFLICT', message: 'x', version: 1 } as const;
    const decision = decideCommand(message(addMug, { expectedVersion: 2, idempotencyKey: 'key-1', requestHash: 'hash-a' }), given(created, mugAdded), record(first), NOW);
    expect(decision.outcome).toBe(first);
    expect(decision.events).toEqual([]);
  });

  it('refuses the same key with a different request as IDEMPOTENCY_KEY_REUSED, not remembered', () => {
    const first = { status: 'accepted', cartId: CART, version: 2 } as const;
    const decision = decideCommand(message(addMug, { idempotencyKey: 'key-1', requestHash: 'hash-b' }), given(created, mugAdded), record(first, 'hash-a'), NOW);
    expect(decision.outcome).toMatchObject({ status: 'rejected', kind: 'idempotency_conflict', code: 'IDEMPOTENCY_KEY_REUSED', version: 2 });
    expect(decision.events).toEqual([]);
    expect(decision.remember).toBe(false);
  });

  it('appends nothing once the deadline has passed, and does not remember the key (a retry may still succeed)', () => {
    const entry = given(created);
    const decision = decideCommand(message(addMug, { deadline: NOW - 1, idempotencyKey: 'key-1', requestHash: 'h' }), entry, undefined, NOW);
    expect(decision.outcome).toMatchObject({ status: 'rejected', kind: 'expired', code: 'COMMAND_EXPIRED', version: 1 });
    expect(decision.events).toEqual([]);
    expect(decision.next).toBe(entry);
    expect(decision.remember).toBe(false);
  });

  it('still answers a retry of an already-applied command after its deadline (the first outcome is known)', () => {
    const first = { status: 'accepted', cartId: CART, version: 2 } as const;
    const decision = decideCommand(message(addMug, { deadline: NOW - 1, idempotencyKey: 'key-1', requestHash: 'hash-a' }), given(created, mugAdded), record(first), NOW);
    expect(decision.outcome).toBe(first);
  });

  it('maps domain refusals to their kind and code, remembered under the key', () => {
    const notFound = decideCommand(message(addMug), given(), undefined, NOW);
    expect(notFound.outcome).toMatchObject({ kind: 'not_found', code: 'CART_NOT_FOUND', version: 0 });
    const mismatch = decideCommand(message({ ...addMug, data: { ...addMug.data, currency: 'USD' } } as CartCommand), given(created, mugAdded), undefined, NOW);
    expect(mismatch.outcome).toMatchObject({ kind: 'rule_broken', code: 'CURRENCY_MISMATCH', version: 2 });
    expect(mismatch.remember).toBe(true);
    const missing = decideCommand(message({ type: 'RemoveItem', data: { sku: 'NOPE' } }), given(created), undefined, NOW);
    expect(missing.outcome).toMatchObject({ kind: 'not_found', code: 'ITEM_NOT_IN_CART' });
  });

  it('accepts a no-op (same quantity) without an event and without moving the version', () => {
    const entry = given(created, mugAdded);
    const decision = decideCommand(message({ type: 'ChangeItemQuantity', data: { sku: 'MUG', quantity: 2 } }), entry, undefined, NOW);
    expect(decision.outcome).toEqual({ status: 'accepted', cartId: CART, version: 2 });
    expect(decision.events).toEqual([]);
  });

  it('answers a command the decider cannot interpret as MALFORMED_COMMAND instead of throwing', () => {
    const decision = decideCommand(message({ type: 'Teleport', data: {} } as unknown as CartCommand), given(created), undefined, NOW);
    expect(decision.outcome).toMatchObject({ kind: 'invalid', code: 'MALFORMED_COMMAND' });
    expect(decision.events).toEqual([]);
  });
});

describe('decideCommand: whose cart it is', () => {
  const missing = given();
  const othersCart = given(created, mugAdded);
  const asIfMissing = (command: CartCommand, extra: Partial<CommandMessage> = {}) => decideCommand(message(command, extra), missing, undefined, NOW).outcome;

  it.each<[string, CartCommand, Partial<CommandMessage>]>([
    ['an item added', addMug, {}],
    ['a quantity changed', { type: 'ChangeItemQuantity', data: { sku: 'MUG', quantity: 5 } }, {}],
    ['an item removed', { type: 'RemoveItem', data: { sku: 'MUG' } }, {}],
    ['a checkout', { type: 'Checkout', data: {} }, {}],
    ['an abandon', { type: 'Abandon', data: {} }, {}],
    ['an If-Match on its version', addMug, { expectedVersion: 2 }],
    ['an If-Match: *', addMug, { expectExists: true }],
  ])("answers %s on another customer's cart exactly as on a cart that does not exist, appending and remembering nothing", (_, command, extra) => {
    const decision = decideCommand(message(command, { ...extra, customerId: 'c-2' }), othersCart, undefined, NOW);
    expect(decision.outcome).toEqual(asIfMissing(command, extra));
    expect(decision.outcome).toMatchObject({ status: 'rejected', version: 0 });
    expect(decision.events).toEqual([]);
    expect(decision.next).toBe(othersCart);
    expect(decision.remember).toBe(false);
  });

  it("does not replay another customer's remembered outcome for a reused key", () => {
    const previous = record({ status: 'accepted', cartId: CART, version: 2 });
    const decision = decideCommand(message(addMug, { customerId: 'c-2', idempotencyKey: 'key-1', requestHash: 'hash-a' }), othersCart, previous, NOW);
    expect(decision.outcome).toMatchObject({ status: 'rejected', kind: 'not_found', code: 'CART_NOT_FOUND', version: 0 });
  });

  it("lets the owner act on the cart, and a command without a customer (older records) as before", () => {
    expect(decideCommand(message(addMug, { customerId: 'c-1' }), othersCart, undefined, NOW).outcome).toMatchObject({ status: 'accepted', version: 3 });
    expect(decideCommand(message(addMug), othersCart, undefined, NOW).outcome).toMatchObject({ status: 'accepted', version: 3 });
  });
});
