import type { ProjectionDefinition } from '../projection';
import { cartDetailsProjection } from './cart-details/cart-details.projection';

/** Every read model the projector keeps; each has its own consumer group, offsets and tables. */
export const PROJECTIONS: readonly ProjectionDefinition[] = [cartDetailsProjection];

export function projectionNamed(name: string): ProjectionDefinition {
  const found = PROJECTIONS.find((p) => p.name === name);
  if (!found) throw new Error(`unknown projection "${name}" (known: ${PROJECTIONS.map((p) => p.name).join(', ')})`);
  return found;
}
