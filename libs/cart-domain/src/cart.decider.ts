import type { CartCommand } from './cart.commands';
import type { CartEvent } from './cart.events';
import { evolve, initialState, type CartState } from './cart.state';
import { abandon } from './decide/abandon';
import { addItem } from './decide/add-item';
import { changeItemQuantity } from './decide/change-item-quantity';
import { checkout } from './decide/checkout';
import { createCart } from './decide/create-cart';
import { removeItem } from './decide/remove-item';
import type { Decider } from './decider';

/** Throws CartError when the command is refused; [] means accepted with nothing to record. */
export function decide(state: CartState, command: CartCommand): readonly CartEvent[] {
  switch (command.type) {
    case 'CreateCart':
      return createCart(state, command);
    case 'AddItem':
      return addItem(state, command);
    case 'ChangeItemQuantity':
      return changeItemQuantity(state, command);
    case 'RemoveItem':
      return removeItem(state, command);
    case 'Checkout':
      return checkout(state, command);
    case 'Abandon':
      return abandon(state, command);
    default: {
      const unknown: never = command;
      // Unlike evolve, decide may refuse: an unknown command is a caller bug, never history.
      throw new Error(`Unknown cart command: ${JSON.stringify(unknown)}`);
    }
  }
}

export const cartDecider: Decider<CartState, CartCommand, CartEvent> = { decide, evolve, initialState };
