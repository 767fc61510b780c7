import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@carts/contracts';
import type { ProjectionDefinition } from '../../projection';
import { cartIdsOf } from '../per-cart';
import { assertContinuous } from '../version-guard';
import { foldProductBatch } from './product-activity.fold';
import { appliedVersions, PRODUCT_TABLES, storeVersions, upsertActivity, upsertRevenue } from './product-activity.storage';

export const PRODUCT_ACTIVITY = 'product-activity';

/** GET /products/:sku/activity and /products/top — counters per sku, revenue per sku and currency. */
export function createProductActivityProjection(): ProjectionDefinition {
  return {
    name: PRODUCT_ACTIVITY,
    tables: [PRODUCT_TABLES.activity, PRODUCT_TABLES.revenue, PRODUCT_TABLES.applied],
    handles: ['ItemAdded', 'ItemQuantityChanged', 'ItemRemoved', 'CartCheckedOut', 'CartAbandoned'],
    async applyBatch(tx: EntityManager, generation: number, events: readonly EventEnvelope[]): Promise<void> {
      const applied = await appliedVersions(tx, generation, cartIdsOf(events));
      // It never sees CartCreated (always version 1, no product in it): a cart it has no version for is at 1.
      assertContinuous(events, applied, 1);
      const { deltas, versions } = foldProductBatch(events, applied);
      if (versions.size === 0) return;
      if (deltas.length > 0) {
        await upsertActivity(tx, generation, deltas);
        await upsertRevenue(tx, generation, deltas);
      }
      await storeVersions(tx, generation, versions);
    },
  };
}
