import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { OperatorContext, RateWindow } from '@carts/operations';
import { projectionStatuses, type ProjectionStatus } from '@carts/read-model';
import { OPERATOR_CONTEXT } from './operator-context.provider';

const CACHE_MS = 500;

/** A rebuild's speed, measured by the console from successive reads of the generation's progress. */
export interface RebuildSpeed {
  readonly eventsPerSecond: number;
  readonly recordsPerSecond: number;
  /** Seconds until the new generation reaches the log's end at that rate; null before a rate is known. */
  readonly etaSeconds: number | null;
}

export interface ProjectionBoardEntry extends ProjectionStatus {
  readonly speed: RebuildSpeed | null;
  /** The active generation's cut-over (when it went live); null before the first. */
  readonly activatedAt: string | null;
}

/**
 * What the page shows of every projection: `GET /projections`' status (generation, state, lag per
 * partition, last event), plus a rebuild's events/s and ETA. Those come from the generation's own
 * counters in PostgreSQL, sampled at each read, so a rebuild started by `cartctl rebuild` shows
 * the same progress as one started from the page. Cached briefly: pages poll this.
 */
@Injectable()
export class ProjectionBoard implements OnApplicationShutdown {
  private readonly records = new Map<string, RateWindow>();
  private readonly events = new Map<string, RateWindow>();
  private cached: { at: number; entries: Promise<ProjectionBoardEntry[]> } | null = null;

  constructor(@Inject(OPERATOR_CONTEXT) private readonly ctx: OperatorContext) {}

  entries(): Promise<ProjectionBoardEntry[]> {
    if (!this.cached || Date.now() - this.cached.at > CACHE_MS) {
      const entries = this.read();
      this.cached = { at: Date.now(), entries };
      entries.catch(() => (this.cached = null));
    }
    return this.cached.entries;
  }

  private async read(): Promise<ProjectionBoardEntry[]> {
    const ds = await this.ctx.ds();
    const ends = await this.ctx.admin().endOffsets(this.ctx.topic);
    const statuses = await projectionStatuses(ds, this.ctx.projections.map((p) => p.name), this.ctx.topic, ends);
    const activations: { projection: string; activated_at: Date | null }[] = await ds.query(
      `SELECT projection, activated_at FROM projection_generations WHERE state = 'active'`);
    const now = Date.now();
    const measuring = new Set<string>();
    const entries = statuses.map((s) => {
      const activatedAt = activations.find((a) => a.projection === s.name)?.activated_at?.toISOString() ?? null;
      if (!s.rebuild) return { ...s, speed: null, activatedAt };
      const key = `${s.name}@${s.rebuild.generation}@${s.rebuild.startedAt}`;
      measuring.add(key);
      return { ...s, speed: this.measure(key, s.rebuild, now), activatedAt };
    });
    for (const key of [...this.records.keys()].filter((k) => !measuring.has(k))) {
      this.records.delete(key);
      this.events.delete(key);
    }
    return entries;
  }

  private measure(key: string, rebuild: NonNullable<ProjectionStatus['rebuild']>, now: number): RebuildSpeed {
    const records = this.records.get(key) ?? new RateWindow();
    const events = this.events.get(key) ?? new RateWindow();
    this.records.set(key, records);
    this.events.set(key, events);
    records.add(rebuild.done, now);
    events.add(rebuild.eventsApplied, now);
    return { eventsPerSecond: Math.round(events.rate()), recordsPerSecond: Math.round(records.rate()), etaSeconds: records.etaSeconds(rebuild.total) };
  }

  onApplicationShutdown(): Promise<void> {
    return this.ctx.close();
  }
}
