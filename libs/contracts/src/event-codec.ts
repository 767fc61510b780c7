import type { EventEnvelope } from './event-envelope';
import { CURRENT_SCHEMA_VERSIONS } from './event-envelope';
import { invalidDataField, invalidEnvelopeField, isKnownEventType } from './event-validation';
import { upcast } from './upcasters';

/** The one serializer for cart events. */
export function encodeEvent(event: EventEnvelope): Buffer {
  return Buffer.from(JSON.stringify(event));
}

/**
 * A string from a record (a type, a cart id) as it may be shown in a log line or a stored reason:
 * as is when it is a plain token, else JSON-quoted and cut to 80 characters, so a hostile record
 * can neither forge log lines (newlines, control characters) nor flood them.
 */
export function printable(text: string): string {
  return /^[\w.@:-]{1,80}$/.test(text) ? text : quoted(text);
}

/** The same, always JSON-quoted. */
export const quoted = (text: string): string => JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);

/** A record that can never be applied as it stands: parked in the dead-letter store. */
export class PoisonRecordError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'PoisonRecordError';
  }
}

export type DecodedEvent =
  | { readonly kind: 'event'; readonly event: EventEnvelope }
  /** A type (or schema version) this code does not know: it takes no version, on the write side or in a projection (docs/events.md). */
  | { readonly kind: 'unknown'; readonly type: string; readonly cartId: string; readonly version: number };

/** Parses, validates and upcasts one record value. Throws PoisonRecordError on a bad record. */
export function decodeEvent(value: Buffer | string | null): DecodedEvent {
  if (value === null) throw new PoisonRecordError('record has no value');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString());
  } catch {
    throw new PoisonRecordError('value is not valid JSON');
  }
  const badField = invalidEnvelopeField(parsed);
  if (badField) throw new PoisonRecordError(`envelope field "${badField}" is missing or invalid`);
  const raw = parsed as EventEnvelope & { data: Record<string, unknown> };
  if (!isKnownEventType(raw.type)) return { kind: 'unknown', type: raw.type, cartId: raw.cartId, version: raw.version };
  const target = CURRENT_SCHEMA_VERSIONS[raw.type];
  if (raw.schemaVersion > target) return { kind: 'unknown', type: `${raw.type}@v${raw.schemaVersion}`, cartId: raw.cartId, version: raw.version };
  let data: unknown = raw.data;
  try {
    data = typeof raw.data === 'object' && raw.data !== null ? upcast(raw.type, raw.schemaVersion, raw.data, target) : raw.data;
  } catch (error) {
    throw new PoisonRecordError((error as Error).message);
  }
  const badData = invalidDataField(raw.type, data);
  if (badData) throw new PoisonRecordError(`${raw.type} field "${badData}" is missing or invalid`);
  // A current record (the usual case) is returned as parsed: no copy per event.
  if (raw.schemaVersion === target && data === raw.data) return { kind: 'event', event: raw as EventEnvelope };
  return { kind: 'event', event: { ...raw, schemaVersion: target, data } as EventEnvelope };
}
