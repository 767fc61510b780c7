import { Counter, Gauge, Histogram } from 'prom-client';
import type { ProjectionStatus, SinkObserver } from '@carts/read-model';

/**
 * The projector's domain metrics. Labels: projection name, partition number, state, park kind —
 * all bounded. Work done here (events applied, batches, dead letters, restarts) is counted by this
 * process; where each projection stands (lag, state, rebuild progress, parked dead letters) is
 * read at scrape time from PostgreSQL and the log's end offsets, as GET /projections shows it.
 */
const eventsApplied = new Counter({
  name: 'projection_events_applied_total',
  help: 'Events applied to a read model by this projector (every live generation, rebuilds included), by projection and partition',
  labelNames: ['projection', 'partition'] as const,
});
const batchWriteDuration = new Histogram({
  name: 'projection_batch_write_duration_seconds',
  help: 'Committed batch writes (rows, dead letters and offsets in one PostgreSQL transaction), by projection',
  labelNames: ['projection'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});
const parkedTotal = new Counter({
  name: 'projection_dead_letters_parked_total',
  help: 'Records parked as dead letters, by projection and kind: poison (could not be read or applied) or blocked (a later event of a cart behind a poison one)',
  labelNames: ['projection', 'kind'] as const,
});
const restarts = new Counter({
  name: 'projection_restarts_total',
  help: 'Projection consumers that crashed and were restarted, by projection',
  labelNames: ['projection'] as const,
});

export function sinkMetrics(projection: string): SinkObserver {
  return {
    batchWritten: (partition, { applied, poison, blocked, seconds }) => {
      if (applied > 0) eventsApplied.inc({ projection, partition: String(partition) }, applied);
      if (poison > 0) parkedTotal.inc({ projection, kind: 'poison' }, poison);
      if (blocked > 0) parkedTotal.inc({ projection, kind: 'blocked' }, blocked);
      batchWriteDuration.observe({ projection }, seconds);
    },
  };
}

export function countRestart(projection: string): void {
  restarts.inc({ projection });
}

/** The states `projection_state` has a series for; failed and not started read as stopped. */
export const PROJECTION_STATES = ['live', 'rebuilding', 'diverged', 'stopped', 'restarting'] as const;
const stateOf = (s: ProjectionStatus['state']): string => (s === 'failed' || s === 'not started' ? 'stopped' : s);

/** The status read once per scrape, whichever gauge asks first; an unreachable broker or database leaves the gauges empty. */
let statusSource: (() => Promise<ProjectionStatus[]>) | undefined;
let current: { at: number; statuses: Promise<ProjectionStatus[]> } | undefined;
const SCRAPE_TIMEOUT_MS = 2000;

async function statuses(): Promise<ProjectionStatus[]> {
  if (!statusSource) return [];
  if (!current || Date.now() - current.at > 500) {
    const read = statusSource();
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('status timed out')), SCRAPE_TIMEOUT_MS).unref());
    current = { at: Date.now(), statuses: Promise.race([read, timeout]).catch(() => []) };
  }
  return current.statuses;
}

/** Where the scrape-time gauges read the projections' status from (the supervisor's database and log). */
export function trackProjections(source: () => Promise<ProjectionStatus[]>): void {
  statusSource = source;
  current = undefined;
}

new Gauge({
  name: 'projection_lag_records', help: 'Records in the log not yet applied by the active generation (log end offset − stored next offset), by projection and partition',
  labelNames: ['projection', 'partition'] as const,
  async collect() {
    this.reset();
    for (const s of await statuses()) for (const p of s.partitions) this.set({ projection: s.name, partition: String(p.partition) }, p.lag);
  },
});
new Gauge({
  name: 'projection_lag_seconds', help: 'Now − the time of the last event the active generation applied, while it is behind the log (0 when caught up), by projection',
  labelNames: ['projection'] as const,
  async collect() {
    this.reset();
    for (const s of await statuses()) {
      const behind = s.lag > 0 && s.lastEventAt ? Math.max(0, (Date.now() - Date.parse(s.lastEventAt)) / 1000) : 0;
      this.set({ projection: s.name }, behind);
    }
  },
});
new Gauge({
  name: 'projection_state', help: `1 for the projection's current state (${PROJECTION_STATES.join(', ')}), 0 for the others`,
  labelNames: ['projection', 'state'] as const,
  async collect() {
    this.reset();
    for (const s of await statuses()) for (const state of PROJECTION_STATES) this.set({ projection: s.name, state }, stateOf(s.state) === state ? 1 : 0);
  },
});
new Gauge({
  name: 'projection_rebuild_progress_ratio', help: 'A running rebuild\'s progress (offsets consumed / offsets in the log, 0…1), by projection; no series without a rebuild',
  labelNames: ['projection'] as const,
  async collect() {
    this.reset();
    for (const s of await statuses()) if (s.rebuild) this.set({ projection: s.name }, s.rebuild.total === 0 ? 1 : s.rebuild.done / s.rebuild.total);
  },
});
new Gauge({
  name: 'projection_dead_letters', help: 'Dead letters parked now (not yet retried or skipped) in the active generation, by projection',
  labelNames: ['projection'] as const,
  async collect() {
    this.reset();
    for (const s of await statuses()) this.set({ projection: s.name }, s.parked);
  },
});
