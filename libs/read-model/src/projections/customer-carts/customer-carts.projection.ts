import type { ProjectionDefinition } from '../../projection';
import { perCartProjection } from '../cart-table';
import { evolveCustomerCart } from './customer-carts.fold';
import { customerCartsTable } from './customer-carts.storage';

export const CUSTOMER_CARTS = 'customer-carts';

/** GET /customers/:customerId/carts — one row per cart, idempotent by the row's version. */
export const createCustomerCartsProjection = (): ProjectionDefinition => perCartProjection(CUSTOMER_CARTS, customerCartsTable, evolveCustomerCart);
