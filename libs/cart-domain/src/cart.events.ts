// Domain events carry everything a projection needs (names, prices, totals), so no read model
// ever has to look anything up elsewhere. Ids and timestamps live in the envelope, not here.

export type CartLine = {
  readonly sku: string;
  readonly name: string;
  readonly quantity: number;
  readonly unitPrice: number;
  /** quantity * unitPrice, in minor units. */
  readonly lineTotal: number;
};

export type CartCreated = {
  readonly type: 'CartCreated';
  readonly data: { readonly customerId: string };
};

export type ItemAdded = {
  readonly type: 'ItemAdded';
  readonly data: {
    readonly sku: string;
    readonly name: string;
    /** Units added by this event. */
    readonly quantity: number;
    readonly unitPrice: number;
    readonly currency: string;
    /** Quantity of the line after this event. */
    readonly lineQuantity: number;
  };
};

export type ItemQuantityChanged = {
  readonly type: 'ItemQuantityChanged';
  readonly data: { readonly sku: string; readonly quantity: number; readonly previousQuantity: number };
};

export type ItemRemoved = {
  readonly type: 'ItemRemoved';
  /** quantity = units removed, i.e. the line quantity before removal. */
  readonly data: { readonly sku: string; readonly quantity: number };
};

export type CartCheckedOut = {
  readonly type: 'CartCheckedOut';
  readonly data: {
    readonly lines: readonly CartLine[];
    readonly itemCount: number;
    readonly total: number;
    readonly currency: string;
  };
};

export type CartAbandoned = {
  readonly type: 'CartAbandoned';
  readonly data: {
    readonly lines: readonly CartLine[];
    readonly itemCount: number;
    readonly total: number;
    /** null when no item was ever added, so no currency was ever fixed. */
    readonly currency: string | null;
  };
};

export type CartEvent = CartCreated | ItemAdded | ItemQuantityChanged | ItemRemoved | CartCheckedOut | CartAbandoned;

// A keyed record (not a bare array) so adding an event type without listing it here fails to compile.
const eventTypes: { readonly [K in CartEvent['type']]: K } = {
  CartCreated: 'CartCreated',
  ItemAdded: 'ItemAdded',
  ItemQuantityChanged: 'ItemQuantityChanged',
  ItemRemoved: 'ItemRemoved',
  CartCheckedOut: 'CartCheckedOut',
  CartAbandoned: 'CartAbandoned',
};

export const CART_EVENT_TYPES: readonly CartEvent['type'][] = Object.freeze(Object.values(eventTypes));
