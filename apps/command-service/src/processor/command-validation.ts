import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { CART_COMMAND_TYPES } from '@carts/domain';
import { ID_PATTERN, type CommandMessage } from '@carts/contracts';
import { AddItemDto } from '../carts/add-item/add-item.dto';
import { CartItemParams, CartParams } from '../carts/cart-params.dto';
import { ChangeItemQuantityDto } from '../carts/change-item-quantity/change-item-quantity.dto';

/** Why the writer refuses a command record before deciding it (the `reason` label of writer_invalid_commands_total). */
export type InvalidCommandReason = 'wrong_partition' | 'invalid_fields';

export interface InvalidCommand {
  readonly reason: InvalidCommandReason;
  readonly message: string;
}

type Dto = new () => object;

// The HTTP layer's own rules (strictValidationPipe's options): a record the gateway could never
// have sent is refused the same way, whoever wrote it to cart-commands.
const STRICT = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, stopAtFirstError: true } as const;
const VISIBLE_ASCII = /^[\x21-\x7e]{1,128}$/;
const MAX_IF_MATCH = 999_999_999;

function firstError(errors: readonly ValidationError[], parent = ''): string | null {
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {})[0];
    if (own) return `${field}: ${own}`;
    const child = firstError(e.children ?? [], field);
    if (child) return child;
  }
  return null;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function check(dto: Dto, value: unknown, parent: string): string | null {
  if (!isObject(value)) return `${parent} must be an object`;
  return firstError(validateSync(plainToInstance(dto, value) as object, STRICT), parent);
}

/** An object holding exactly these fields (the DTO-less commands). */
const exactly = (value: unknown, fields: readonly string[], parent: string): string | null =>
  isObject(value) && Object.keys(value).length === fields.length && fields.every((f) => Object.hasOwn(value, f)) ? null
    : `${parent} must be an object holding ${fields.length ? fields.join(', ') : 'nothing'}`;

const identifier = (value: unknown, field: string): string | null =>
  typeof value === 'string' && ID_PATTERN.test(value) ? null : `${field} must be 1-64 characters of [A-Za-z0-9._-]`;

/** The command's body and path, checked as its controller's DTOs check them. */
function commandFields(msg: CommandMessage): string | null {
  const { type, data } = msg.command as { type: string; data: unknown };
  const sku = (fields: Record<string, unknown>) => check(CartItemParams, { cartId: msg.cartId, sku: fields.sku }, 'path');
  switch (type) {
    case 'CreateCart':
      return exactly(data, ['customerId'], 'command.data') ?? identifier((data as Record<string, unknown>).customerId, 'command.data.customerId');
    case 'AddItem':
      return check(AddItemDto, data, 'command.data');
    case 'ChangeItemQuantity': {
      if (!isObject(data)) return 'command.data must be an object';
      const { sku: _sku, ...body } = data;
      return sku(data) ?? check(ChangeItemQuantityDto, body, 'command.data');
    }
    case 'RemoveItem':
      return exactly(data, ['sku'], 'command.data') ?? sku(data as Record<string, unknown>);
    case 'Checkout':
    case 'Abandon':
      return exactly(data, [], 'command.data');
    default:
      return `command.type must be one of ${CART_COMMAND_TYPES.join(', ')}`;
  }
}

/** The message's own fields: what the gateway derives from the token and the headers. */
function messageFields(msg: CommandMessage): string | null {
  // Lower case: the HTTP layer lower-cases cart ids, so "ABC…" and "abc…" are one cart there.
  const cart = check(CartParams, { cartId: msg.cartId }, 'message') ?? (msg.cartId === msg.cartId.toLowerCase() ? null : 'message.cartId must be lower case');
  if (cart) return cart;
  if (msg.customerId !== undefined && identifier(msg.customerId, '')) return 'message.customerId must be 1-64 characters of [A-Za-z0-9._-]';
  if (!VISIBLE_ASCII.test(msg.commandId) || !VISIBLE_ASCII.test(msg.correlationId ?? '')) return 'message.commandId and correlationId must be 1-128 visible ASCII characters';
  if (msg.idempotencyKey !== undefined && (typeof msg.idempotencyKey !== 'string' || !VISIBLE_ASCII.test(msg.idempotencyKey))) return 'message.idempotencyKey must be 1-128 visible ASCII characters';
  if (msg.expectedVersion !== undefined && !(Number.isSafeInteger(msg.expectedVersion) && msg.expectedVersion >= 0 && msg.expectedVersion <= MAX_IF_MATCH)) {
    return `message.expectedVersion must be an integer from 0 to ${MAX_IF_MATCH}`;
  }
  if (msg.expectExists !== undefined && typeof msg.expectExists !== 'boolean') return 'message.expectExists must be a boolean';
  if (msg.requestHash !== undefined && typeof msg.requestHash !== 'string') return 'message.requestHash must be a string';
  return null;
}

/**
 * Defence in depth behind the Kafka ACLs: a command record the gateway could not have written — a
 * cart id that does not hash to the partition it is on (its events would land on another writer's
 * partition, beside another writer's state), or fields the HTTP layer refuses — is refused before
 * it is decided. Null when the command is fit to decide.
 */
export function invalidCommand(msg: CommandMessage, partition: number, partitionOf: (cartId: string) => number): InvalidCommand | null {
  const fields = messageFields(msg) ?? commandFields(msg);
  if (fields) return { reason: 'invalid_fields', message: `The command is invalid (${fields})` };
  const owner = partitionOf(msg.cartId);
  if (owner !== partition) return { reason: 'wrong_partition', message: `Cart ${msg.cartId} belongs to partition ${owner}, not ${partition}` };
  return null;
}
