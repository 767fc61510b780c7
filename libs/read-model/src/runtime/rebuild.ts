import type { DataSource, EntityManager } from 'typeorm';
import type { ProjectionDefinition } from '../projection';
import { partitionTable } from '../projection';
import { activeGeneration, createGenerationTables, lockProjection, READ_MODEL_CHANNEL } from './generations';
import { unbindGeneration } from './log-binding';
import { healthOf } from './projection-health';

/** The projection has never run: there is nothing to rebuild beside. */
export class NoActiveGenerationError extends Error {
  constructor(projection: string) {
    super(`${projection} has no active generation yet: start a projector first (it creates generation 1)`);
    this.name = 'NoActiveGenerationError';
  }
}

export interface BlueGreenStart {
  readonly active: number;
  readonly building: number;
  /** Building generations left by an earlier rebuild that did not finish; retired, tables to drop. */
  readonly replaced: number[];
}

/**
 * Starts a blue/green rebuild: generation g+1 is created as `building` with empty tables, and the
 * projectors (which follow projection_generations) fill it from offset 0 while g keeps serving.
 * A building generation left by a killed rebuild is replaced, never reused: it may have been
 * filled by older code, and only a fresh one is sure to equal today's fold of the whole log.
 */
export function beginBlueGreen(ds: DataSource, projection: ProjectionDefinition): Promise<BlueGreenStart> {
  return ds.transaction(async (tx) => {
    await lockProjection(tx, projection.name);
    const active = await activeGeneration(tx, projection.name);
    if (active === null) throw new NoActiveGenerationError(projection.name);
    // TypeORM returns [rows, rowCount] for UPDATE ... RETURNING.
    const [stale] = (await tx.query(
      `UPDATE projection_generations SET state = 'retired' WHERE projection = $1 AND state = 'building' RETURNING generation`, [projection.name])) as [{ generation: number }[], number];
    const rows: { next: number }[] = await tx.query(
      `SELECT max(generation) + 1 AS next FROM projection_generations WHERE projection = $1`, [projection.name]);
    const building = Number(rows[0].next);
    await tx.query(`INSERT INTO projection_generations (projection, generation, state) VALUES ($1, $2, 'building')`, [projection.name, building]);
    await createGenerationTables(tx, projection, building);
    return { active, building, replaced: stale.map((s) => s.generation) };
  });
}

/** Retires a generation that will never be swapped in (no projector took it up). */
export async function retireGeneration(ds: DataSource, projection: string, generation: number): Promise<void> {
  await ds.query(`UPDATE projection_generations SET state = 'retired' WHERE projection = $1 AND generation = $2 AND state = 'building'`, [projection, generation]);
}

export type SwapResult = 'swapped' | 'behind' | 'superseded';

/**
 * The atomic swap, in one short transaction. Locking both generation rows FOR UPDATE waits for the
 * batches in flight (they hold them FOR SHARE) and holds back new ones, so the positions compared
 * here are exact: the new generation must be at or past the live one on every partition, or a
 * reader could see a cart go back in time. Readers join on the active generation in the same
 * statement as their read, so each query sees either the old generation or the new one, whole.
 */
export function trySwap(ds: DataSource, projection: string, active: number, building: number, topic: string): Promise<SwapResult> {
  return ds.transaction(async (tx) => {
    await lockProjection(tx, projection);
    const states: { generation: number; state: string }[] = await tx.query(
      `SELECT generation, state FROM projection_generations WHERE projection = $1 AND generation = ANY($2::int[]) ORDER BY generation FOR UPDATE`,
      [projection, [active, building]]);
    const stateOf = (g: number) => states.find((s) => s.generation === g)?.state;
    if (stateOf(active) !== 'active' || stateOf(building) !== 'building') return 'superseded';
    // A diverged live generation's positions belong to another log: the new one could never reach them.
    const diverged = (await healthOf(tx, projection, active))?.state === 'diverged';
    const live = diverged ? new Map<number, bigint>() : await storedOffsets(tx, projection, active, topic);
    const fresh = await storedOffsets(tx, projection, building, topic);
    if ([...live].some(([partition, offset]) => (fresh.get(partition) ?? 0n) < offset)) return 'behind';
    await tx.query(`UPDATE projection_generations SET state = 'retired' WHERE projection = $1 AND generation = $2`, [projection, active]);
    await tx.query(`UPDATE projection_generations SET state = 'active', activated_at = now(), replay_started_at = NULL WHERE projection = $1 AND generation = $2`, [projection, building]);
    await tx.query(`SELECT pg_notify($1, $2)`, [READ_MODEL_CHANNEL, projection]);
    return 'swapped';
  });
}

export async function storedOffsets(q: DataSource | EntityManager, projection: string, generation: number, topic: string): Promise<Map<number, bigint>> {
  const rows: { partition: number; next_offset: string }[] = await q.query(
    `SELECT partition, next_offset FROM projection_offsets WHERE projection = $1 AND generation = $2 AND topic = $3`, [projection, generation, topic]);
  return new Map(rows.map((r) => [r.partition, BigInt(r.next_offset)]));
}

/**
 * Drops a retired generation's tables without blocking readers: DETACH ... CONCURRENTLY takes no
 * lock that conflicts with queries on the parent (a plain DROP of a partition would queue every
 * reader behind it). A detach interrupted earlier (a killed cartctl) is finalized first.
 */
export async function dropGenerationTablesOnline(ds: DataSource, projection: ProjectionDefinition, generation: number): Promise<void> {
  for (const table of projection.tables) {
    const child = partitionTable(table, generation);
    const attached: { pending: boolean }[] = await ds.query(
      `SELECT inhdetachpending AS pending FROM pg_inherits WHERE inhrelid = to_regclass($1)`, [child]);
    if (attached.length > 0) await ds.query(`ALTER TABLE ${table} DETACH PARTITION ${child} ${attached[0].pending ? 'FINALIZE' : 'CONCURRENTLY'}`);
    await ds.query(`DROP TABLE IF EXISTS ${child}`);
  }
  await ds.query(`DELETE FROM projection_offsets WHERE projection = $1 AND generation = $2`, [projection.name, generation]);
  await ds.query(`DELETE FROM projection_health WHERE projection = $1 AND generation = $2`, [projection.name, generation]);
}

/**
 * Starts an in-place rebuild: the live generation is emptied and its positions reset to 0 in one
 * transaction; the projectors notice on their next write (the stored position moved) and replay
 * from the start. Queries see a partial view until it has caught up: the price of needing no
 * second copy. Parked records are cleared too (the replay parks them again if they still fail),
 * except operators' skip decisions, which the replay honours.
 */
export function beginInPlace(ds: DataSource, projection: ProjectionDefinition): Promise<number> {
  return ds.transaction(async (tx) => {
    await lockProjection(tx, projection.name);
    const active = await activeGeneration(tx, projection.name);
    if (active === null) throw new NoActiveGenerationError(projection.name);
    await tx.query(`SELECT 1 FROM projection_generations WHERE projection = $1 AND generation = $2 FOR UPDATE`, [projection.name, active]);
    for (const table of projection.tables) await tx.query(`TRUNCATE ${partitionTable(table, active)}`);
    await tx.query(`DELETE FROM projection_offsets WHERE projection = $1 AND generation = $2`, [projection.name, active]);
    await tx.query(`DELETE FROM dead_letters WHERE projection = $1 AND generation = $2 AND resolution IS DISTINCT FROM 'skipped'`, [projection.name, active]);
    await tx.query(`UPDATE projection_generations SET replay_started_at = now() WHERE projection = $1 AND generation = $2`, [projection.name, active]);
    // Replayed from 0, it belongs to whichever log the projectors read now.
    await unbindGeneration(tx, projection.name, active);
    await tx.query(`SELECT pg_notify($1, $2)`, [READ_MODEL_CHANNEL, projection.name]);
    return active;
  });
}

export async function finishInPlace(ds: DataSource, projection: string, generation: number): Promise<void> {
  await ds.query(`UPDATE projection_generations SET replay_started_at = NULL WHERE projection = $1 AND generation = $2`, [projection, generation]);
}
