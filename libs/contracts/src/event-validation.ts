import { CART_EVENT_TYPES, type CartEvent } from '@carts/domain';

/**
 * Shape checks for the data of each current event type. A record that fails them is poison for
 * projections (parked, never silently dropped); see docs/events.md for the contracts.
 */
type Check = (value: unknown) => boolean;

const isStr: Check = (v) => typeof v === 'string' && v.length > 0;
const isInt: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 0;
const isCurrency: Check = (v) => typeof v === 'string' && /^[A-Z]{3}$/.test(v);
// Checks run for every event a projection or a restoring writer reads: entries are listed once,
// here, rather than rebuilt (Object.entries, object literals) for each record.
type Checks = readonly (readonly [string, Check])[];
const LINE_CHECKS: Checks = Object.entries({ sku: isStr, name: isStr, quantity: isInt, unitPrice: isInt, lineTotal: isInt });
const isLine: Check = (v) => isObject(v) && fieldsOk(v, LINE_CHECKS);
const isLines: Check = (v) => Array.isArray(v) && v.every(isLine);
const nullable = (check: Check): Check => (v) => v === null || check(v);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The first field that fails its check, or null. */
function firstBad(value: Record<string, unknown>, checks: Checks): string | null {
  for (const [field, check] of checks) if (!check(value[field])) return field;
  return null;
}

function fieldsOk(value: Record<string, unknown>, checks: Checks): boolean {
  return firstBad(value, checks) === null;
}

const DATA_CHECKS: Readonly<Record<CartEvent['type'], Record<string, Check>>> = {
  CartCreated: { customerId: isStr },
  ItemAdded: { sku: isStr, name: isStr, quantity: isInt, unitPrice: isInt, currency: isCurrency, lineQuantity: isInt },
  ItemQuantityChanged: { sku: isStr, quantity: isInt, previousQuantity: isInt },
  ItemRemoved: { sku: isStr, quantity: isInt },
  CartCheckedOut: { lines: isLines, itemCount: isInt, total: isInt, currency: isCurrency },
  CartAbandoned: { lines: isLines, itemCount: isInt, total: isInt, currency: nullable(isCurrency) },
};

const DATA_CHECK_ENTRIES: Readonly<Record<string, Checks>> = Object.fromEntries(Object.entries(DATA_CHECKS).map(([type, checks]) => [type, Object.entries(checks)]));

export function isKnownEventType(type: unknown): type is CartEvent['type'] {
  return typeof type === 'string' && (CART_EVENT_TYPES as readonly string[]).includes(type);
}

/** Returns the name of the first bad field, or null when the data fits the type. */
export function invalidDataField(type: CartEvent['type'], data: unknown): string | null {
  if (!isObject(data)) return 'data';
  const bad = firstBad(data, DATA_CHECK_ENTRIES[type]);
  return bad ? `data.${bad}` : null;
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

const ENVELOPE_CHECK_ENTRIES: Checks = Object.entries(ENVELOPE_CHECKS);

export function invalidEnvelopeField(value: unknown): string | null {
  if (!isObject(value)) return '(root)';
  return firstBad(value, ENVELOPE_CHECK_ENTRIES);
}
