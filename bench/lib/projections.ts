import type { DataSource } from 'typeorm';
import { LogAdmin } from '@carts/event-log';
import { createDataSource, PROJECTIONS, projectionStatuses, type ProjectionStatus } from '@carts/read-model';
import type { BenchContext } from './context';
import { pollUntil } from './stats';

let shared: { ds: Promise<DataSource>; admin: LogAdmin } | null = null;

function clients(ctx: BenchContext): { ds: Promise<DataSource>; admin: LogAdmin } {
  shared ??= { ds: createDataSource(ctx.env.databaseUrl, 2, 'bench').initialize(), admin: new LogAdmin(ctx.env.kafka) };
  return shared;
}

export async function benchDataSource(ctx: BenchContext): Promise<DataSource> {
  return clients(ctx).ds;
}

/** What `cartctl status` shows, for every projection. */
export async function statuses(ctx: BenchContext): Promise<ProjectionStatus[]> {
  const { ds, admin } = clients(ctx);
  const ends = await admin.endOffsets(ctx.env.topics.events);
  return projectionStatuses(await ds, PROJECTIONS.map((p) => p.name), ctx.env.topics.events, ends);
}

/** Waits until every live projection has read the whole log (lag 0 on every partition). */
export async function waitForProjections(ctx: BenchContext, timeoutMs: number): Promise<ProjectionStatus[]> {
  return pollUntil(() => statuses(ctx), (all) => all.every((s) => s.activeGeneration !== null && s.lag === 0 && s.total > 0),
    timeoutMs, 'the projections to catch up', 250);
}

export async function closeProjectionClients(): Promise<void> {
  const current = shared;
  shared = null;
  if (!current) return;
  await current.admin.close().catch(() => undefined);
  await (await current.ds.catch(() => null))?.destroy().catch(() => undefined);
}
