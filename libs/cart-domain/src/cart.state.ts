import type {
  CartEvent,
  CartLine,
  ItemAdded,
  ItemQuantityChanged,
  ItemRemoved,
} from './cart.events';

export type CartStatus = 'open' | 'checked_out' | 'abandoned';

export type CartState =
  | { readonly status: 'none' }
  | {
      readonly status: CartStatus;
      readonly customerId: string;
      /** Fixed by the first ItemAdded; null until then. */
      readonly currency: string | null;
      /** In order of first insertion. */
      readonly lines: readonly CartLine[];
    };

/** A cart that exists (any status other than 'none'). */
export type ExistingCart = Extract<CartState, { readonly customerId: string }>;

export const initialState: CartState = Object.freeze({ status: 'none' });

export function cartTotals(lines: readonly CartLine[]): { itemCount: number; total: number } {
  let itemCount = 0;
  let total = 0;
  for (const line of lines) {
    itemCount += line.quantity;
    total += line.lineTotal;
  }
  return { itemCount, total };
}

// evolve never throws: the log is the truth, so an event that no longer applies to the state
// (unknown sku, a cart already closed, an event type from a newer producer) is ignored.
export function evolve(state: CartState, event: CartEvent): CartState {
  switch (event.type) {
    case 'CartCreated':
      if (state.status !== 'none') return state;
      return { status: 'open', customerId: event.data.customerId, currency: null, lines: [] };
    case 'ItemAdded':
      return whenOpen(state, (cart) => applyItemAdded(cart, event));
    case 'ItemQuantityChanged':
      return whenOpen(state, (cart) => applyQuantityChanged(cart, event));
    case 'ItemRemoved':
      return whenOpen(state, (cart) => applyItemRemoved(cart, event));
    case 'CartCheckedOut':
      return whenOpen(state, (cart) => ({ ...cart, status: 'checked_out' }));
    case 'CartAbandoned':
      return whenOpen(state, (cart) => ({ ...cart, status: 'abandoned' }));
    default: {
      // Compile-time exhaustiveness; at run time an unknown type is ignored, not rejected.
      const _unknown: never = event;
      return state;
    }
  }
}

function whenOpen(state: CartState, apply: (cart: ExistingCart) => CartState): CartState {
  return state.status === 'open' ? apply(state) : state;
}

function line(sku: string, name: string, quantity: number, unitPrice: number): CartLine {
  return { sku, name, quantity, unitPrice, lineTotal: quantity * unitPrice };
}

function applyItemAdded(cart: ExistingCart, { data }: ItemAdded): CartState {
  // Once fixed, the currency stays for the life of the cart, even if every line is later
  // removed: the customer has seen prices in it, and a cart mixing currencies cannot be totalled.
  // A recorded item in another currency cannot be folded into the totals, so it is ignored.
  if (cart.currency !== null && cart.currency !== data.currency) return cart;
  // lineQuantity is the recorded outcome, so replaying never re-derives (and never drifts from) it.
  const added = line(data.sku, data.name, data.lineQuantity, data.unitPrice);
  const exists = cart.lines.some((l) => l.sku === data.sku);
  const lines = exists
    ? cart.lines.map((l) => (l.sku === data.sku ? added : l))
    : [...cart.lines, added];
  return { ...cart, currency: data.currency, lines };
}

function applyQuantityChanged(cart: ExistingCart, { data }: ItemQuantityChanged): CartState {
  if (!cart.lines.some((l) => l.sku === data.sku)) return cart;
  const lines = cart.lines.map((l) =>
    l.sku === data.sku ? line(l.sku, l.name, data.quantity, l.unitPrice) : l,
  );
  return { ...cart, lines };
}

function applyItemRemoved(cart: ExistingCart, { data }: ItemRemoved): CartState {
  if (!cart.lines.some((l) => l.sku === data.sku)) return cart;
  return { ...cart, lines: cart.lines.filter((l) => l.sku !== data.sku) };
}
