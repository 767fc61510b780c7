import type { DataSource } from 'typeorm';
import { activeGeneration, partitionTable, type ProjectionDefinition } from '@carts/read-model';

/**
 * Every row of every table of one generation of a projection, without the generation column and
 * in a stable order: two generations built from the same log must give equal snapshots, row for row.
 */
export async function snapshotGeneration(ds: DataSource, projection: ProjectionDefinition, generation: number): Promise<Record<string, string[]>> {
  const snapshot: Record<string, string[]> = {};
  for (const table of projection.tables) {
    const rows: { row: string }[] = await ds.query(
      `SELECT (to_jsonb(t) - 'generation')::text AS row FROM ${partitionTable(table, generation)} t ORDER BY 1`);
    snapshot[table] = rows.map((r) => r.row);
  }
  return snapshot;
}

export async function activeGenerationOf(ds: DataSource, projection: string): Promise<number> {
  const generation = await activeGeneration(ds, projection);
  if (generation === null) throw new Error(`${projection} has no active generation`);
  return generation;
}

/** Sum of the stored next offsets of a generation: a point to wait for ("it has read this far"). */
export async function storedPosition(ds: DataSource, projection: string, generation?: number): Promise<number> {
  const rows: { total: string | null }[] = await ds.query(
    `SELECT sum(o.next_offset) AS total FROM projection_offsets o JOIN projection_generations g USING (projection, generation)
      WHERE o.projection = $1 AND ($2::int IS NULL AND g.state = 'active' OR o.generation = $2)`, [projection, generation ?? null]);
  return Number(rows[0]?.total ?? 0);
}
