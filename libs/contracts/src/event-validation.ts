import { CART_EVENT_TYPES, type CartEvent } from '@carts/domain';

/**
 * Shape checks for the data of each current event type. A record that fails them is poison for
 * projections (parked, never silently dropped); see docs/events.md for the contracts.
 */
type Check = (value: unknown) => boolean;

const isStr: Check = (v) => typeof v === 'string' && v.length > 0;
const isInt: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 0;
const isCurrency: Check = (v) => typeof v === 'string' && /^[A-Z]{3}$/.test(v);
const isLine: Check = (v) => isObject(v) && fieldsOk(v, { sku: isStr, name: isStr, quantity: isInt, unitPrice: isInt, lineTotal: isInt });
const isLines: Check = (v) => Array.isArray(v) && v.every(isLine);
const nullable = (check: Check): Check => (v) => v === null || check(v);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fieldsOk(value: Record<string, unknown>, checks: Record<string, Check>): boolean {
  return Object.entries(checks).every(([field, check]) => check(value[field]));
}

const DATA_CHECKS: Readonly<Record<CartEvent['type'], Record<string, Check>>> = {
  CartCreated: { customerId: isStr },
  ItemAdded: { sku: isStr, name: isStr, quantity: isInt, unitPrice: isInt, currency: isCurrency, lineQuantity: isInt },
  ItemQuantityChanged: { sku: isStr, quantity: isInt, previousQuantity: isInt },
  ItemRemoved: { sku: isStr, quantity: isInt },
  CartCheckedOut: { lines: isLines, itemCount: isInt, total: isInt, currency: isCurrency },
  CartAbandoned: { lines: isLines, itemCount: isInt, total: isInt, currency: nullable(isCurrency) },
};

export function isKnownEventType(type: unknown): type is CartEvent['type'] {
  return typeof type === 'string' && (CART_EVENT_TYPES as readonly string[]).includes(type);
}

/** Returns the name of the first bad field, or null when the data fits the type. */
export function invalidDataField(type: CartEvent['type'], data: unknown): string | null {
  if (!isObject(data)) return 'data';
  const bad = Object.entries(DATA_CHECKS[type]).find(([field, check]) => !check(data[field]));
  return bad ? `data.${bad[0]}` : null;
}

export const ENVELOPE_CHECKS: Record<string, Check> = {
  eventId: isStr,
  type: isStr,
  schemaVersion: (v) => Number.isSafeInteger(v) && (v as number) >= 1,
  cartId: isStr,
  version: (v) => Number.isSafeInteger(v) && (v as number) >= 1,
  occurredAt: (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
  commandId: isStr,
  correlationId: isStr,
};

export function invalidEnvelopeField(value: unknown): string | null {
  if (!isObject(value)) return '(root)';
  const bad = Object.entries(ENVELOPE_CHECKS).find(([field, check]) => !check(value[field]));
  return bad ? bad[0] : null;
}
