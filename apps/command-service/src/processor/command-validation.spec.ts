import type { CommandMessage } from '@carts/contracts';
import { partitionForKey } from '@carts/event-log';
import { invalidCommand } from './command-validation';

const CART = '6f1c2a9e-0b7d-4e3a-9c55-1d2e3f4a5b6c';
const PARTITIONS = 6;
const HOME = partitionForKey(CART, PARTITIONS);
const partitionOf = (cartId: string) => partitionForKey(cartId, PARTITIONS);
const message = (command: unknown, extra: Record<string, unknown> = {}): CommandMessage =>
  ({ commandId: 'b1a7c0de-0000-4000-8000-000000000001', correlationId: 'corr-1', cartId: CART, customerId: 'c-1', command, replyPartition: 0, deadline: 0, ...extra }) as CommandMessage;
const problem = (msg: CommandMessage, partition = HOME) => invalidCommand(msg, partition, partitionOf);

describe('invalidCommand: the writer refuses what the HTTP layer would have refused', () => {
  it.each([
    ['CreateCart', { type: 'CreateCart', data: { customerId: 'c-1' } }],
    ['AddItem, any printable name', { type: 'AddItem', data: { sku: 'sku-42', name: 'Espresso «cup» ☕', quantity: 1000, unitPrice: 0, currency: 'EUR' } }],
    ['ChangeItemQuantity to 0', { type: 'ChangeItemQuantity', data: { sku: 'sku-42', quantity: 0 } }],
    ['RemoveItem', { type: 'RemoveItem', data: { sku: 'sku-42' } }],
    ['Checkout', { type: 'Checkout', data: {} }],
    ['Abandon', { type: 'Abandon', data: {} }],
  ])('accepts every command the gateway sends: %s', (_name, command) => {
    expect(problem(message(command, { idempotencyKey: 'key-1', requestHash: 'h', expectedVersion: 3 }))).toBeNull();
  });

  it.each([
    ['a quantity above the line limit', { type: 'AddItem', data: { sku: 's', name: 'n', quantity: 1001, unitPrice: 1, currency: 'EUR' } }, 'command.data.quantity: quantity must be at most 1000'],
    ['a negative price', { type: 'AddItem', data: { sku: 's', name: 'n', quantity: 1, unitPrice: -1, currency: 'EUR' } }, 'command.data.unitPrice'],
    ['a name of control characters', { type: 'AddItem', data: { sku: 's', name: '\u0007', quantity: 1, unitPrice: 1, currency: 'EUR' } }, 'command.data.name'],
    ['an unknown field', { type: 'AddItem', data: { sku: 's', name: 'n', quantity: 1, unitPrice: 1, currency: 'EUR', discount: 1 } }, 'command.data.discount'],
    ['an sku outside the identifier alphabet', { type: 'RemoveItem', data: { sku: '../etc' } }, 'path.sku'],
    ['a negative quantity', { type: 'ChangeItemQuantity', data: { sku: 's', quantity: -1 } }, 'command.data.quantity'],
    ['a body on checkout', { type: 'Checkout', data: { at: 1 } }, 'command.data must be an object holding nothing'],
    ['a second field on CreateCart', { type: 'CreateCart', data: { customerId: 'c-1', admin: true } }, 'command.data must be an object holding customerId'],
    ['an unknown command type', { type: 'Explode', data: {} }, 'command.type must be one of CreateCart'],
  ])('refuses %s', (_name, command, field) => {
    expect(problem(message(command))).toEqual({ reason: 'invalid_fields', message: expect.stringContaining(field) });
  });

  it.each([
    ['a cart id that is not a UUID', { cartId: 'cart-1' }, 'message.cartId: cartId must be a UUID'],
    ['an upper-case cart id (another cart to the HTTP layer)', { cartId: CART.toUpperCase() }, 'message.cartId must be lower case'],
    ['a customer id outside the identifier alphabet', { customerId: 'c 1' }, 'message.customerId'],
    ['an Idempotency-Key with a control character', { idempotencyKey: 'k\n' }, 'message.idempotencyKey'],
    ['an If-Match version out of range', { expectedVersion: -1 }, 'message.expectedVersion'],
  ])('refuses a message with %s', (_name, extra, field) => {
    expect(problem(message({ type: 'Checkout', data: {} }, extra))).toEqual({ reason: 'invalid_fields', message: expect.stringContaining(field) });
  });

  it('refuses a cart id that hashes to another partition than the one the record is on', () => {
    const elsewhere = (HOME + 1) % PARTITIONS;
    expect(problem(message({ type: 'Checkout', data: {} }), elsewhere)).toEqual({ reason: 'wrong_partition', message: `Cart ${CART} belongs to partition ${HOME}, not ${elsewhere}` });
  });
});
