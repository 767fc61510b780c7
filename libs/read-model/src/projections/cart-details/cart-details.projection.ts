import type { ProjectionDefinition } from '../../projection';
import { perCartProjection } from '../cart-table';
import { evolveCartDetails, type CartDetailsFold } from './cart-details.fold';
import { cartDetailsTable } from './cart-details.storage';

export const CART_DETAILS = 'cart-details';

/**
 * GET /carts/:cartId — one row per cart, idempotent by the row's version. The fold is a parameter
 * so a projection can be composed with another one (a test ships a buggy fold to prove a rebuild
 * repairs the read model); the storage stays the same.
 */
export const createCartDetailsProjection = (evolve: CartDetailsFold = evolveCartDetails): ProjectionDefinition =>
  perCartProjection(CART_DETAILS, cartDetailsTable, evolve);

export const cartDetailsProjection = createCartDetailsProjection();
