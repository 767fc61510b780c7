import type { DataSource, EntityManager } from 'typeorm';
import type { ProjectionDefinition } from '../projection';

export const READ_MODEL_CHANNEL = 'read_model_changed';

/**
 * A generation's partitions are created and dropped through the owner's SECURITY DEFINER functions
 * (migration GenerationDdlFunctions): the projector's role may call them but holds no DDL right
 * of its own. The tables they create belong to the owner, so its default privileges cover them.
 */
export async function createGenerationTables(tx: EntityManager, projection: ProjectionDefinition, generation: number): Promise<void> {
  for (const table of projection.tables) await tx.query(`SELECT read_model_create_partition($1, $2)`, [table, Number(generation)]);
}

export async function dropGenerationTables(tx: EntityManager, projection: ProjectionDefinition, generation: number): Promise<void> {
  for (const table of projection.tables) await tx.query(`SELECT read_model_drop_partition($1, $2)`, [table, Number(generation)]);
}

/** Serialises generation changes of one projection across processes (projectors, cartctl). */
export async function lockProjection(tx: EntityManager, projection: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('projection:' || $1))`, [projection]);
}

const activeOf = (projection: string): string =>
  `(SELECT generation FROM projection_generations WHERE projection = ${projection} AND state = 'active')`;

/**
 * "The active generation of `projection`", to join inside a reading statement itself: one
 * statement sees either the old generation or the new one of a rebuild, never a mix, and never a
 * dropped table. The name is inlined (projection names are constants), so a prepared statement
 * keeps one plan per projection.
 */
export function activeGenerationSql(projection: string): string {
  if (!/^[a-z][a-z0-9-]*$/.test(projection)) throw new Error(`not a projection name: ${JSON.stringify(projection)}`);
  return activeOf(`'${projection}'`);
}

export async function activeGeneration(ds: DataSource | EntityManager, projection: string): Promise<number | null> {
  const rows: { generation: number | null }[] = await ds.query(`SELECT ${activeOf('$1')} AS generation`, [projection]);
  return rows[0]?.generation ?? null;
}

/** First start: generation 1 becomes active and is filled from offset 0. */
export async function ensureActiveGeneration(ds: DataSource, projection: ProjectionDefinition): Promise<number> {
  return ds.transaction(async (tx) => {
    await lockProjection(tx, projection.name);
    const existing = await activeGeneration(tx, projection.name);
    if (existing !== null) return existing;
    const rows: { next: number }[] = await tx.query(
      `SELECT coalesce(max(generation), 0) + 1 AS next FROM projection_generations WHERE projection = $1`, [projection.name]);
    const generation = Number(rows[0].next);
    await tx.query(`INSERT INTO projection_generations (projection, generation, state, activated_at) VALUES ($1, $2, 'active', now())`, [projection.name, generation]);
    await createGenerationTables(tx, projection, generation);
    return generation;
  });
}

export interface LiveGeneration {
  readonly projection: string;
  readonly generation: number;
  readonly state: 'active' | 'building';
  /** Set while an in-place rebuild replays this generation: consumers restart to pick up the reset. */
  readonly replayStartedAt: string | null;
}

/** Generations that projectors must keep up to date: the active one and any being built. */
export async function liveGenerations(ds: DataSource): Promise<LiveGeneration[]> {
  const rows: { projection: string; generation: number; state: 'active' | 'building'; replay_started_at: Date | null }[] = await ds.query(
    `SELECT projection, generation, state, replay_started_at FROM projection_generations WHERE state IN ('active', 'building') ORDER BY projection, generation`);
  return rows.map((r) => ({ projection: r.projection, generation: r.generation, state: r.state, replayStartedAt: r.replay_started_at?.toISOString() ?? null }));
}
