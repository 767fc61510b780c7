export type CreateCart = {
  readonly type: 'CreateCart';
  readonly data: { readonly customerId: string };
};

export type AddItem = {
  readonly type: 'AddItem';
  readonly data: {
    readonly sku: string;
    readonly name: string;
    readonly quantity: number;
    /** Integer minor units (cents), 0..MAX_UNIT_PRICE. */
    readonly unitPrice: number;
    /** ISO 4217 alphabetic code, e.g. "EUR". */
    readonly currency: string;
  };
};

export type ChangeItemQuantity = {
  readonly type: 'ChangeItemQuantity';
  readonly data: { readonly sku: string; readonly quantity: number };
};

export type RemoveItem = {
  readonly type: 'RemoveItem';
  readonly data: { readonly sku: string };
};

export type Checkout = { readonly type: 'Checkout'; readonly data: Record<string, never> };

export type Abandon = { readonly type: 'Abandon'; readonly data: Record<string, never> };

export type CartCommand = CreateCart | AddItem | ChangeItemQuantity | RemoveItem | Checkout | Abandon;

// A keyed record (not a bare array) so adding a command type without listing it here fails to compile.
const commandTypes: { readonly [K in CartCommand['type']]: K } = {
  CreateCart: 'CreateCart',
  AddItem: 'AddItem',
  ChangeItemQuantity: 'ChangeItemQuantity',
  RemoveItem: 'RemoveItem',
  Checkout: 'Checkout',
  Abandon: 'Abandon',
};

export const CART_COMMAND_TYPES: readonly CartCommand['type'][] = Object.freeze(Object.values(commandTypes));
