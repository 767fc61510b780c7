import { CartTable } from '../cart-table';
import type { CustomerCartRow } from './customer-carts.fold';

/**
 * `customer_carts` (migrations: ReadSideModels1764060000000, CustomerCartsCreatedAt1764100000000,
 * CustomerCartsPricedLines1764200000000), one row per cart and generation.
 */
export const customerCartsTable = new CartTable<CustomerCartRow>('customer_carts', [
  { field: 'cartId', name: 'cart_id', type: 'uuid' },
  { field: 'customerId', name: 'customer_id', type: 'text' },
  { field: 'status', name: 'status', type: 'text' },
  { field: 'currency', name: 'currency', type: 'text' },
  { field: 'itemCount', name: 'item_count', type: 'int' },
  { field: 'total', name: 'total', type: 'bigint' },
  { field: 'pricedLines', name: 'priced_lines', type: 'jsonb' },
  { field: 'version', name: 'version', type: 'int' },
  // The list's paging key, fixed at insert.
  { field: 'createdAt', name: 'created_at', type: 'timestamptz', fixed: true },
  { field: 'updatedAt', name: 'updated_at', type: 'timestamptz' },
]);
