import { CART_ROW_COLUMNS, CartTable } from '../cart-table';
import type { CustomerCartRow } from './customer-carts.fold';

/**
 * `customer_carts` (migrations: ReadSideModels1764060000000, CustomerCartsCreatedAt1764100000000,
 * CustomerCartsPricedLines1764200000000), one row per cart and generation.
 */
export const customerCartsTable = new CartTable<CustomerCartRow>('customer_carts', [
  ...CART_ROW_COLUMNS, { field: 'pricedLines', name: 'priced_lines', type: 'jsonb' },
]);
