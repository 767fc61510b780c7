import type { EntityManager } from 'typeorm';
import type { CartEvent } from '@carts/domain';
import type { EventEnvelope } from '@carts/contracts';

/**
 * A read model: a pure fold plus a thin storage adapter. `applyBatch` receives, in log order, the
 * events of the types listed in `handles`, and writes them inside the caller's transaction (the
 * same one that stores the offsets). It must ignore an event whose cart version it has already
 * applied, so a redelivered event changes nothing.
 */
export interface ProjectionDefinition {
  readonly name: string;
  /** Partitioned parent tables (one partition per generation). */
  readonly tables: readonly string[];
  readonly handles: readonly CartEvent['type'][];
  applyBatch(tx: EntityManager, generation: number, events: readonly EventEnvelope[]): Promise<void>;
}

/**
 * TEST-ONLY defects, switched on through configuration (PROJECTION_BUG_WRONG_TOTALS,
 * PROJECTION_FAIL_ON_SKU) so the tests can prove that a rebuild repairs a buggy read model and that
 * a failing handler parks its events instead of blocking the partition. Never set in production.
 */
export interface ProjectionFaults {
  /** cart-details totals forget to multiply by quantity. */
  readonly wrongTotals?: boolean;
  /** cart-details throws on an event naming this sku, as a handler bug would (the others are unaffected). */
  readonly failOnSku?: string;
}

export const partitionTable = (table: string, generation: number): string => `${table}_g${Number(generation)}`;

/** Simulates a handler bug for TEST-ONLY fault injection (see ProjectionFaults). */
export function throwIfFaulty(faults: ProjectionFaults, events: readonly EventEnvelope[]): void {
  if (!faults.failOnSku) return;
  const hit = events.find((e) => 'sku' in e.data && e.data.sku === faults.failOnSku);
  if (hit) throw new Error(`injected fault: this projection cannot handle sku ${faults.failOnSku} (cart ${hit.cartId} v${hit.version})`);
}
