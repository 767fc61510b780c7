import type { DataSource } from 'typeorm';
import type { LogSnapshot } from '@carts/event-log';
import type { ProjectionDefinition } from '../projection';
import { dropGenerationTables, lockProjection } from './generations';
import { allStoredOffsets, logMismatch, storedBinding } from './log-binding';

export interface DivergedGeneration {
  readonly projection: string;
  readonly generation: number;
  readonly reason: string;
}

/** Live generations whose offsets do not belong to `log` (what a projector would find on assignment). */
export async function divergedGenerations(ds: DataSource, log: LogSnapshot): Promise<DivergedGeneration[]> {
  const live: { projection: string; generation: number }[] = await ds.query(
    `SELECT projection, generation FROM projection_generations WHERE state IN ('active', 'building') ORDER BY projection, generation`);
  const found: DivergedGeneration[] = [];
  for (const { projection, generation } of live) {
    const reason = logMismatch(await storedBinding(ds, projection, generation), await allStoredOffsets(ds, projection, generation), log, projection);
    if (reason) found.push({ projection, generation, reason });
  }
  return found;
}

/**
 * LOCAL DEVELOPMENT ONLY (tools/dev-stack.ts): forgets a projection's read models — every
 * generation retired, its tables, offsets, health and dead letters gone — so the next projector
 * starts a fresh generation from offset 0 of the current log. Production never calls this: there
 * a diverged projection waits for an operator's `cartctl rebuild`, because the right answer may be
 * to point the service back at the right cluster rather than throw the read models away.
 */
export async function resetProjection(ds: DataSource, projection: ProjectionDefinition): Promise<void> {
  await ds.transaction(async (tx) => {
    await lockProjection(tx, projection.name);
    const rows: { generation: number }[] = await tx.query(
      `UPDATE projection_generations SET state = 'retired' WHERE projection = $1 AND state <> 'retired' RETURNING generation`, [projection.name])
      .then(([r]: [{ generation: number }[], number]) => r);
    for (const { generation } of rows) await dropGenerationTables(tx, projection, generation);
    for (const table of ['projection_offsets', 'projection_health', 'dead_letters']) await tx.query(`DELETE FROM ${table} WHERE projection = $1`, [projection.name]);
  });
}
