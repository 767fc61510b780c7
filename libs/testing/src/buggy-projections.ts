import type { EventEnvelope } from '@carts/contracts';
import { createCartDetailsProjection, evolveCartDetails, type CartDetailsRow, type ProjectionDefinition } from '@carts/read-model';

/**
 * Defects for tests, composed from the real projections (never switched on in production code):
 * a fold with the classic totals bug, and a projection whose handler fails on one sku.
 */

/** The classic bug: a line's price counted once, whatever its quantity. */
export const wrongTotalsFold = (row: CartDetailsRow | null, e: EventEnvelope): CartDetailsRow | null => {
  const next = evolveCartDetails(row, e);
  return next && { ...next, total: next.lines.reduce((t, l) => t + l.unitPrice, 0) };
};

export const cartDetailsWithWrongTotals = (): ProjectionDefinition => createCartDetailsProjection(wrongTotalsFold);

/** The projection, failing on any batch naming `sku` as a handler bug would (the others unaffected). */
export function failingOnSku(projection: ProjectionDefinition, sku: string): ProjectionDefinition {
  return {
    ...projection,
    async applyBatch(tx, generation, events) {
      const hit = events.find((e) => 'sku' in e.data && e.data.sku === sku);
      if (hit) throw new Error(`injected fault: this projection cannot handle sku ${sku} (cart ${hit.cartId} v${hit.version})`);
      return projection.applyBatch(tx, generation, events);
    },
  };
}

/** The default projections with `name` replaced. */
export const projectionsWith = (projection: ProjectionDefinition, all: readonly ProjectionDefinition[]): ProjectionDefinition[] =>
  all.map((p) => (p.name === projection.name ? projection : p));
