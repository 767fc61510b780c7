import type { DataSource, EntityManager } from 'typeorm';
import type { LogIdentity, LogSnapshot, ResumeOutcome } from '@carts/event-log';

/** The log a generation is bound to; all NULL for a generation that no projector resumed yet. */
export interface StoredBinding {
  readonly clusterId: string | null;
  readonly topic: string | null;
  readonly partitions: number | null;
}

export interface StoredOffset {
  readonly topic: string;
  readonly partition: number;
  readonly nextOffset: bigint;
}

const whatToDo = (projection: string) => `rebuild it against this log with "cartctl rebuild ${projection}"`;

const describeLog = (l: StoredBinding | LogIdentity) => `cluster ${l.clusterId}, topic ${l.topic}, ${l.partitions} partitions`;

/**
 * Why `stored` (a generation's binding and offsets) does not belong to `log`, or null if it does.
 * Pure, so the projector, the dev stack and the tests share one definition of "the same log".
 * A generation bound to nothing yet (new, or from before bindings existed) is accepted only if its
 * offsets could have come from this log: same topic, none beyond the end.
 */
export function logMismatch(stored: StoredBinding, offsets: readonly StoredOffset[], log: LogSnapshot, projection = '<projection>'): string | null {
  const { identity, endOffsets } = log;
  const todo = whatToDo(projection);
  if (stored.clusterId !== null) {
    const same = stored.clusterId === identity.clusterId && stored.topic === identity.topic && stored.partitions === identity.partitions;
    if (!same) return `built from another log (${describeLog(stored)}), now reading ${describeLog(identity)}: ${todo}`;
  }
  const elsewhere = offsets.find((o) => o.topic !== identity.topic);
  if (elsewhere) return `offsets stored for topic ${elsewhere.topic}, now reading ${identity.topic}: ${todo}`;
  for (const o of offsets) {
    const end = endOffsets.get(o.partition);
    if (end === undefined) return `offsets stored for partition ${o.partition}, which ${identity.topic} does not have: ${todo}`;
    if (o.nextOffset > end) {
      return `stored offset ${o.nextOffset} of partition ${o.partition} is beyond the log's end (${end}): the topic was recreated or the database comes from another environment; ${todo}`;
    }
  }
  return null;
}

export async function storedBinding(q: DataSource | EntityManager, projection: string, generation: number): Promise<StoredBinding> {
  const rows: { log_cluster_id: string | null; log_topic: string | null; log_partitions: number | null }[] = await q.query(
    `SELECT log_cluster_id, log_topic, log_partitions FROM projection_generations WHERE projection = $1 AND generation = $2`, [projection, generation]);
  return { clusterId: rows[0]?.log_cluster_id ?? null, topic: rows[0]?.log_topic ?? null, partitions: rows[0]?.log_partitions ?? null };
}

export async function allStoredOffsets(q: DataSource | EntityManager, projection: string, generation: number): Promise<StoredOffset[]> {
  const rows: { topic: string; partition: number; next_offset: string }[] = await q.query(
    `SELECT topic, partition, next_offset FROM projection_offsets WHERE projection = $1 AND generation = $2`, [projection, generation]);
  return rows.map((r) => ({ topic: r.topic, partition: r.partition, nextOffset: BigInt(r.next_offset) }));
}

/**
 * On assignment: checks the generation's binding and offsets against the log, binds an unbound
 * generation to it, and returns the offsets of `partitions` to resume from.
 */
export async function resumeGeneration(ds: DataSource, projection: string, generation: number, log: LogSnapshot, partitions: readonly number[]): Promise<ResumeOutcome> {
  const offsets = await allStoredOffsets(ds, projection, generation);
  const reason = logMismatch(await storedBinding(ds, projection, generation), offsets, log, projection);
  if (reason) return { kind: 'diverged', reason };
  const { clusterId, topic, partitions: count } = log.identity;
  await ds.query(
    `UPDATE projection_generations SET log_cluster_id = $3, log_topic = $4, log_partitions = $5, log_bound_at = now()
      WHERE projection = $1 AND generation = $2 AND log_cluster_id IS NULL`, [projection, generation, clusterId, topic, count]);
  // Another instance may have bound it to something else meanwhile: check again against what is stored now.
  const bound = await storedBinding(ds, projection, generation);
  const again = logMismatch(bound, offsets, log, projection);
  if (again) return { kind: 'diverged', reason: again };
  const wanted = new Set(partitions);
  return { kind: 'resume', offsets: new Map(offsets.filter((o) => wanted.has(o.partition)).map((o) => [o.partition, o.nextOffset])) };
}

/** Forgets a generation's binding (an in-place rebuild replays it from 0: it may bind to the current log). */
export async function unbindGeneration(tx: EntityManager, projection: string, generation: number): Promise<void> {
  await tx.query(`UPDATE projection_generations SET log_cluster_id = NULL, log_topic = NULL, log_partitions = NULL, log_bound_at = NULL
    WHERE projection = $1 AND generation = $2`, [projection, generation]);
}
