import { evolve, initialState, type CartCommand, type CartEvent } from '@carts/domain';
import type { CommandMessage } from '@carts/contracts';
import { decideCommand } from './command-decision';
import type { CartEntry } from './partition-state';

const CART = '6f1c2a9e-0b7d-4e3a-9c55-1d2e3f4a5b6c';
const NOW = Date.parse('2026-01-01T12:00:00Z');
const given = (...events: CartEvent[]): CartEntry =>
  events.reduce<CartEntry>((e, event) => ({ state: evolve(e.state, event), version: e.version + 1 }), { state: initialState, version: 0 });
const created: CartEvent = { type: 'CartCreated', data: { customerId: 'c-1' } };
const addMug: CartCommand = { type: 'AddItem', data: { sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 1250, currency: 'EUR' } };
const anyVersion = (command: CartCommand): CommandMessage =>
  ({ commandId: 'cmd-1', correlationId: 'corr-1', cartId: CART, command, replyPartition: 0, deadline: NOW + 1000, expectExists: true });

/** If-Match: * — RFC 9110 §13.1.1: true when a current representation exists, whatever its version. */
describe('decideCommand with If-Match: *', () => {
  it('applies the command to an existing cart at any version', () => {
    const decision = decideCommand(anyVersion(addMug), given(created), undefined, NOW);
    expect(decision.outcome).toEqual({ status: 'accepted', cartId: CART, version: 2 });
  });

  it('refuses a missing cart as a failed precondition (412), appending nothing, remembered under its key', () => {
    const decision = decideCommand(anyVersion(addMug), given(), undefined, NOW);
    expect(decision.outcome).toEqual(expect.objectContaining({ status: 'rejected', kind: 'version_conflict', code: 'VERSION_CONFLICT', version: 0 }));
    expect(decision.events).toEqual([]);
    expect(decision.remember).toBe(true);
  });

  it('never creates a cart: a new one fails the precondition, an existing one breaks CART_ALREADY_EXISTS', () => {
    const create: CartCommand = { type: 'CreateCart', data: { customerId: 'c-1' } };
    expect(decideCommand(anyVersion(create), given(), undefined, NOW).outcome).toMatchObject({ kind: 'version_conflict' });
    expect(decideCommand(anyVersion(create), given(created), undefined, NOW).outcome).toMatchObject({ kind: 'rule_broken', code: 'CART_ALREADY_EXISTS' });
  });
});
