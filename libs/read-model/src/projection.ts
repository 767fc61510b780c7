import type { EntityManager } from 'typeorm';
import type { CartEvent } from '@carts/domain';
import type { EventEnvelope } from '@carts/contracts';

/**
 * A read model: a pure fold plus a thin storage adapter. `applyBatch` receives, in log order, the
 * events of the types listed in `handles`, and writes them inside the caller's transaction (the
 * same one that stores the offsets). It must ignore an event whose cart version it has already
 * applied, so a redelivered event changes nothing: every projection asks `isNewer`
 * (projections/version-guard.ts), and projection-guards.spec.ts proves it for each.
 */
export interface ProjectionDefinition {
  readonly name: string;
  /** Partitioned parent tables (one partition per generation). */
  readonly tables: readonly string[];
  readonly handles: readonly CartEvent['type'][];
  applyBatch(tx: EntityManager, generation: number, events: readonly EventEnvelope[]): Promise<void>;
}

export const partitionTable = (table: string, generation: number): string => `${table}_g${Number(generation)}`;
