import { CartTable } from '../cart-table';
import type { CartDetailsRow } from './cart-details.fold';

/** `cart_details` (migrations: InitialSchema1764050000000), one row per cart and generation. */
export const cartDetailsTable = new CartTable<CartDetailsRow>('cart_details', [
  { field: 'cartId', name: 'cart_id', type: 'uuid' },
  { field: 'customerId', name: 'customer_id', type: 'text' },
  { field: 'status', name: 'status', type: 'text' },
  { field: 'currency', name: 'currency', type: 'text' },
  { field: 'lines', name: 'lines', type: 'jsonb' },
  { field: 'itemCount', name: 'item_count', type: 'int' },
  { field: 'total', name: 'total', type: 'bigint' },
  { field: 'version', name: 'version', type: 'int' },
  { field: 'createdAt', name: 'created_at', type: 'timestamptz', fixed: true },
  { field: 'updatedAt', name: 'updated_at', type: 'timestamptz' },
]);
