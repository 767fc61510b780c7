import type { ProjectionDefinition } from '../projection';
import { createCartDetailsProjection } from './cart-details/cart-details.projection';
import { createCustomerCartsProjection } from './customer-carts/customer-carts.projection';
import { createProductActivityProjection } from './product-activity/product-activity.projection';

/**
 * Every read model the projector keeps; each has its own consumer group, offsets and tables, so
 * one failing or rebuilding projection never holds up another.
 */
export const PROJECTIONS: readonly ProjectionDefinition[] = [createCartDetailsProjection(), createCustomerCartsProjection(), createProductActivityProjection()];

export function projectionNamed(name: string, projections: readonly ProjectionDefinition[] = PROJECTIONS): ProjectionDefinition {
  const found = projections.find((p) => p.name === name);
  if (!found) throw new UnknownProjectionError(name, projections);
  return found;
}

export class UnknownProjectionError extends Error {
  constructor(name: string, projections: readonly ProjectionDefinition[]) {
    super(`unknown projection "${name}" (known: ${projections.map((p) => p.name).join(', ')})`);
    this.name = 'UnknownProjectionError';
  }
}
