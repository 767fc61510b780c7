import type { AppConfig } from '../libs/config/src';
import { topicNames } from '../libs/contracts/src';
import { createKafka, LogAdmin } from '../libs/event-log/src';
import { createDataSource, divergedGenerations, PROJECTIONS, projectionNamed, resetProjection } from '../libs/read-model/src';

/**
 * A second clone, or a deleted `.local/`, formats a new local broker while the local PostgreSQL
 * keeps the read models of the old one: their offsets would never be reached. The local stack
 * only (both the broker and the database are its own defaults) resets those read models so the
 * projectors rebuild them from the new log, and says so. Elsewhere the projector reports the
 * projection `diverged` and waits for an operator (docs/operations.md, "When things go wrong").
 */
export async function resetReadModelsOfAnotherLog(config: AppConfig, say: (line: string) => void): Promise<string[]> {
  const admin = new LogAdmin(createKafka(config.kafka, 'dev-stack'));
  const ds = await createDataSource(config.database.url, 2, 'dev-stack').initialize();
  const reset: string[] = [];
  try {
    const diverged = await divergedGenerations(ds, await admin.snapshot(topicNames(config.kafka.topicPrefix).events));
    for (const name of new Set(diverged.map((d) => d.projection))) {
      if (!PROJECTIONS.some((p) => p.name === name)) continue;
      say(`read model ${name} does not belong to this broker's log (${diverged.find((d) => d.projection === name)!.reason.split(':')[0]}): local stack, so resetting it; the projector rebuilds it from this broker's log`);
      await resetProjection(ds, projectionNamed(name));
      reset.push(name);
    }
    return reset;
  } finally {
    await ds.destroy();
    await admin.close();
  }
}
