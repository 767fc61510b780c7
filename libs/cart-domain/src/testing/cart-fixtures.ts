// Event and command builders for the domain's own specs (not exported from the index). Values
// are concrete on purpose: expectations compare exact numbers, not re-computed ones.
import type { AddItem, CartCommand } from '../cart.commands';
import type { CartEvent, ItemAdded } from '../cart.events';
import { cartDecider } from '../cart.decider';
import { DeciderSpecification } from './specification';

export const spec = DeciderSpecification.for(cartDecider);

export const CUSTOMER = 'customer-42';

export const cartCreated = (customerId = CUSTOMER): CartEvent => ({ type: 'CartCreated', data: { customerId } });

type ItemData = ItemAdded['data'];

/** A mug at 1250 EUR cents unless overridden; lineQuantity defaults to the units added. */
export function itemAdded(data: Partial<ItemData> & { readonly sku: string }): CartEvent {
  const quantity = data.quantity ?? 1;
  return {
    type: 'ItemAdded',
    data: {
      name: `Item ${data.sku}`,
      unitPrice: 1250,
      currency: 'EUR',
      lineQuantity: quantity,
      ...data,
      quantity,
    },
  };
}

export function addItem(data: Partial<AddItem['data']> & { readonly sku: string }): CartCommand {
  return {
    type: 'AddItem',
    data: { name: `Item ${data.sku}`, quantity: 1, unitPrice: 1250, currency: 'EUR', ...data },
  };
}

export const checkout: CartCommand = { type: 'Checkout', data: {} };
export const abandon: CartCommand = { type: 'Abandon', data: {} };

/** A checked-out cart holding 2 x MUG at 1250. */
export const CHECKED_OUT_HISTORY: readonly CartEvent[] = [
  cartCreated(),
  itemAdded({ sku: 'MUG', quantity: 2 }),
  {
    type: 'CartCheckedOut',
    data: {
      lines: [{ sku: 'MUG', name: 'Item MUG', quantity: 2, unitPrice: 1250, lineTotal: 2500 }],
      itemCount: 2,
      total: 2500,
      currency: 'EUR',
    },
  },
];

/** A cart abandoned before anything was added. */
export const ABANDONED_HISTORY: readonly CartEvent[] = [
  cartCreated(),
  { type: 'CartAbandoned', data: { lines: [], itemCount: 0, total: 0, currency: null } },
];

export const CLOSED_HISTORIES: readonly (readonly [string, readonly CartEvent[]])[] = [
  ['checked out', CHECKED_OUT_HISTORY],
  ['abandoned', ABANDONED_HISTORY],
];
