import type { DataSource } from 'typeorm';
import { healthRows, type ProjectionHealth } from './projection-health';

export interface PartitionProgress {
  readonly partition: number;
  /** Next offset the generation will read, as stored with the read model. */
  readonly nextOffset: number;
  /** Log end offset (read-committed) of the partition. */
  readonly endOffset: number;
  readonly lag: number;
}

export interface GenerationProgress {
  readonly generation: number;
  readonly partitions: PartitionProgress[];
  readonly lag: number;
  /** Offsets consumed and in the log, summed over partitions (transaction markers included). */
  readonly done: number;
  readonly total: number;
  readonly percent: number;
  readonly eventsApplied: number;
  readonly unknownSkipped: number;
  readonly parked: number;
  readonly lastEventAt: string | null;
  /** What the projectors last reported: running, diverged (with the reason), failed / restarting (with the error and restarts). */
  readonly health: ProjectionHealth | null;
}

export interface ProjectionStatus extends Omit<GenerationProgress, 'generation'> {
  readonly name: string;
  readonly activeGeneration: number | null;
  /** `diverged` / `failed` / `restarting`: the active generation is not moving; `health.reason` says why and what to do. */
  readonly state: 'live' | 'rebuilding' | 'not started' | 'diverged' | 'failed' | 'restarting';
  readonly rebuild: (GenerationProgress & { readonly mode: 'blue-green' | 'in-place'; readonly startedAt: string }) | null;
}

interface GenerationRow { projection: string; generation: number; state: 'active' | 'building'; created_at: Date; replay_started_at: Date | null }
interface OffsetRow { projection: string; generation: number; partition: number; next_offset: string; events_applied: string; unknown_skipped: string; last_event_at: Date | null }
interface ParkedRow { projection: string; generation: number; parked: string }

function progress(generation: number, offsets: OffsetRow[], parked: number, ends: ReadonlyMap<number, bigint>, health: ProjectionHealth | null = null): GenerationProgress {
  const stored = new Map(offsets.map((o) => [o.partition, o]));
  const partitions = [...ends].sort(([a], [b]) => a - b).map(([partition, end]) => {
    const nextOffset = Number(stored.get(partition)?.next_offset ?? 0);
    const endOffset = Number(end);
    return { partition, nextOffset, endOffset, lag: Math.max(0, endOffset - nextOffset) };
  });
  const sum = (f: (x: PartitionProgress) => number) => partitions.reduce((s, p) => s + f(p), 0);
  const total = sum((p) => p.endOffset);
  const done = sum((p) => Math.min(p.nextOffset, p.endOffset));
  const last = offsets.map((o) => o.last_event_at?.getTime() ?? 0).reduce((a, b) => Math.max(a, b), 0);
  return {
    generation, partitions, lag: sum((p) => p.lag), done, total, percent: total === 0 ? 100 : Math.floor((done / total) * 1000) / 10,
    eventsApplied: offsets.reduce((s, o) => s + Number(o.events_applied), 0),
    unknownSkipped: offsets.reduce((s, o) => s + Number(o.unknown_skipped), 0),
    parked, lastEventAt: last > 0 ? new Date(last).toISOString() : null, health,
  };
}

/**
 * What `GET /projections` and `cartctl status` show: per projection, the active generation and its
 * per-partition lag (log end offset − stored next offset), and any rebuild with its progress.
 * `endOffsets` come from Kafka (the caller owns the client); everything else from PostgreSQL.
 */
export async function projectionStatuses(ds: DataSource, names: readonly string[], topic: string, endOffsets: ReadonlyMap<number, bigint>): Promise<ProjectionStatus[]> {
  const generations: GenerationRow[] = await ds.query(
    `SELECT projection, generation, state, created_at, replay_started_at FROM projection_generations WHERE state IN ('active', 'building') ORDER BY generation`);
  const offsets: OffsetRow[] = await ds.query(
    `SELECT o.projection, o.generation, o.partition, o.next_offset, o.events_applied, o.unknown_skipped, o.last_event_at
       FROM projection_offsets o JOIN projection_generations g USING (projection, generation)
      WHERE o.topic = $1 AND g.state IN ('active', 'building')`, [topic]);
  const parked: ParkedRow[] = await ds.query(
    `SELECT projection, generation, count(*) AS parked FROM dead_letters WHERE status = 'parked' GROUP BY projection, generation`);
  const health = await healthRows(ds);
  const of = (g: GenerationRow) => progress(g.generation,
    offsets.filter((o) => o.projection === g.projection && o.generation === g.generation),
    Number(parked.find((p) => p.projection === g.projection && p.generation === g.generation)?.parked ?? 0), endOffsets,
    health.get(`${g.projection}@${g.generation}`) ?? null);
  return names.map((name) => {
    const active = generations.find((g) => g.projection === name && g.state === 'active');
    const building = generations.filter((g) => g.projection === name && g.state === 'building').pop();
    const live = active ? of(active) : progress(0, [], 0, endOffsets);
    const { generation: _g, ...liveFields } = live;
    const rebuild = building
      ? { ...of(building), mode: 'blue-green' as const, startedAt: building.created_at.toISOString() }
      : active?.replay_started_at ? { ...live, mode: 'in-place' as const, startedAt: active.replay_started_at.toISOString() } : null;
    const stuck = live.health && live.health.state !== 'running' ? live.health.state : null;
    return { name, activeGeneration: active?.generation ?? null, state: !active ? 'not started' : rebuild ? 'rebuilding' : stuck ?? 'live', ...liveFields, rebuild };
  });
}
