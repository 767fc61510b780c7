import { CART_ROW_COLUMNS, CartTable } from '../cart-table';
import type { CartDetailsRow } from './cart-details.fold';

/** `cart_details` (migrations: InitialSchema1764050000000), one row per cart and generation. */
export const cartDetailsTable = new CartTable<CartDetailsRow>('cart_details', [...CART_ROW_COLUMNS, { field: 'lines', name: 'lines', type: 'jsonb' }]);
