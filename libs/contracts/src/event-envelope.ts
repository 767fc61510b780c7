import type { CartEvent } from '@carts/domain';

/**
 * The JSON value of every record in `cart-events` (key = cartId). `version` is the cart's 1-based
 * position in its own stream: contiguous, no gap, no duplicate. Documented in docs/events.md.
 */
interface EnvelopeFields {
  readonly eventId: string;
  readonly schemaVersion: number;
  readonly cartId: string;
  readonly version: number;
  readonly occurredAt: string;
  readonly commandId: string;
  readonly correlationId: string;
}

/** Distributive, so `switch (envelope.type)` narrows `envelope.data`. */
export type EventEnvelope<E extends CartEvent = CartEvent> = E extends CartEvent
  ? EnvelopeFields & { readonly type: E['type']; readonly data: E['data'] }
  : never;

/** The schema version written today for each event type; older ones are upcast on read. */
export const CURRENT_SCHEMA_VERSIONS: Readonly<Record<CartEvent['type'], number>> = {
  CartCreated: 2,
  ItemAdded: 1,
  ItemQuantityChanged: 1,
  ItemRemoved: 1,
  CartCheckedOut: 1,
  CartAbandoned: 1,
};

export interface EnvelopeMeta {
  readonly eventId: string;
  readonly cartId: string;
  readonly version: number;
  readonly occurredAt: string;
  readonly commandId: string;
  readonly correlationId: string;
}

export function envelope<E extends CartEvent>(event: E, meta: EnvelopeMeta): EventEnvelope<E> {
  return {
    eventId: meta.eventId,
    type: event.type,
    schemaVersion: CURRENT_SCHEMA_VERSIONS[event.type],
    cartId: meta.cartId,
    version: meta.version,
    occurredAt: meta.occurredAt,
    commandId: meta.commandId,
    correlationId: meta.correlationId,
    data: event.data,
  } as EventEnvelope<E>;
}

/** The domain event inside an envelope, as `evolve` and the projections take it. */
export function toDomainEvent(env: EventEnvelope): CartEvent {
  return { type: env.type, data: env.data } as CartEvent;
}
