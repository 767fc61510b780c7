import type { DataSource, EntityManager } from 'typeorm';

export type HealthState = 'running' | 'diverged' | 'failed' | 'restarting';

/** What the projectors last reported about one live generation (GET /projections, cartctl status). */
export interface ProjectionHealth {
  readonly state: HealthState;
  /** Why it is not running, and what to do. */
  readonly reason: string | null;
  /** Consumer restarts after a crash, since the generation started. */
  readonly restarts: number;
  readonly lastError: string | null;
  readonly lastErrorAt: string | null;
  /** The projector instance that wrote this (host:pid). */
  readonly instance: string;
  readonly updatedAt: string;
}

export interface HealthReport {
  readonly state: HealthState;
  readonly reason?: string | null;
  /** A crash: counts one restart and records the error. */
  readonly error?: string;
  readonly instance: string;
}

/**
 * The projectors' runtime state lives in PostgreSQL because the query service and cartctl read
 * only PostgreSQL. One row per generation: with several projector instances the latest report
 * wins, and each instance reports every change of its own consumers.
 */
export async function reportHealth(ds: DataSource, projection: string, generation: number, report: HealthReport): Promise<void> {
  const crashed = report.error !== undefined;
  await ds.query(
    `INSERT INTO projection_health AS h (projection, generation, state, reason, restarts, last_error, last_error_at, instance)
     VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $5 > 0 THEN now() END, $7)
     ON CONFLICT (projection, generation) DO UPDATE SET state = excluded.state, reason = excluded.reason,
       restarts = h.restarts + excluded.restarts, last_error = coalesce(excluded.last_error, h.last_error),
       last_error_at = coalesce(excluded.last_error_at, h.last_error_at), instance = excluded.instance, updated_at = now()`,
    [projection, generation, report.state, report.reason ?? null, crashed ? 1 : 0, report.error ?? null, report.instance]);
}

export async function healthOf(q: DataSource | EntityManager, projection: string, generation: number): Promise<ProjectionHealth | null> {
  return (await healthRows(q)).get(`${projection}@${generation}`) ?? null;
}

export async function healthRows(q: DataSource | EntityManager): Promise<Map<string, ProjectionHealth>> {
  const rows: { projection: string; generation: number; state: HealthState; reason: string | null; restarts: number; last_error: string | null;
    last_error_at: Date | null; instance: string; updated_at: Date }[] = await q.query(`SELECT * FROM projection_health`);
  return new Map(rows.map((r) => [`${r.projection}@${r.generation}`, {
    state: r.state, reason: r.reason, restarts: r.restarts, lastError: r.last_error, lastErrorAt: r.last_error_at?.toISOString() ?? null,
    instance: r.instance, updatedAt: r.updated_at.toISOString(),
  }]));
}
