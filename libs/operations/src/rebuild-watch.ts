import { storedOffsets } from '@carts/read-model';
import { duration, thousands } from './format';
import { CommandFailed, type OperatorContext } from './operator-context';

const TICK_MS = 500;
const STALL_WARNING_MS = 30_000;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Is any projector consuming this generation? Its consumer group has members once one has joined. */
export async function waitForConsumer(ctx: OperatorContext, projection: string, generation: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const group = ctx.groupOf(projection, generation);
  while (Date.now() < deadline) {
    if ((await ctx.admin().group(group)).members > 0) return true;
    await sleep(250);
  }
  return false;
}

/** Progress in log records (offsets): events, and the transaction markers and skipped records between them. */
export interface Position {
  readonly done: number;
  readonly total: number;
  /** Per partition: stored next offset ≥ log end offset. */
  readonly caughtUp: boolean;
  readonly lag: number;
}

export async function positionOf(ctx: OperatorContext, projection: string, generation: number): Promise<Position> {
  const ends = await ctx.admin().endOffsets(ctx.topic);
  const stored = await storedOffsets(await ctx.ds(), projection, generation, ctx.topic);
  let done = 0;
  let total = 0;
  let lag = 0;
  for (const [partition, end] of ends) {
    const next = stored.get(partition) ?? 0n;
    total += Number(end);
    done += Number(next < end ? next : end);
    lag += Number(end > next ? end - next : 0n);
  }
  return { done, total, caughtUp: lag === 0, lag };
}

/**
 * Shows progress until `ready(position)` says the generation may be finished (swapped, or marked
 * done). `finish` returns true when it is; false to keep watching (e.g. the swap found it behind).
 */
export async function watchUntil(ctx: OperatorContext, label: string, projection: string, generation: number,
  finish: (position: Position) => Promise<boolean>): Promise<{ position: Position; recordsPerSecond: number }> {
  const bar = ctx.out.progress(label);
  let lastProgress = { at: Date.now(), done: -1 };
  for (;;) {
    const position = await positionOf(ctx, projection, generation);
    bar.update(position.done, position.total);
    if (position.done !== lastProgress.done) lastProgress = { at: Date.now(), done: position.done };
    else if (Date.now() - lastProgress.at > STALL_WARNING_MS && position.lag > 0) {
      const members = (await ctx.admin().group(ctx.groupOf(projection, generation))).members;
      if (members === 0) throw new CommandFailed(`no projector is consuming ${projection} generation ${generation} any more (no progress for ${STALL_WARNING_MS / 1000} s): start one and rerun`);
      lastProgress = { at: Date.now(), done: position.done };
    }
    if (await finish(position)) {
      bar.finish(position.done, position.total);
      return { position, recordsPerSecond: bar.averageRate(position.done) };
    }
    await sleep(TICK_MS);
  }
}

/**
 * The closing line of a rebuild: the events the new generation applied (from its own counters,
 * not the offsets: a transactional log has a marker record after every commit) and the log
 * records it read to get there.
 */
export async function rebuiltLine(ctx: OperatorContext, what: string, projection: string, generation: number, position: Position, startedAt: number, recordsPerSecond: number): Promise<string> {
  const [row]: { events: string; unknown: string }[] = await (await ctx.ds()).query(
    `SELECT coalesce(sum(events_applied), 0) AS events, coalesce(sum(unknown_skipped), 0) AS unknown FROM projection_offsets WHERE projection = $1 AND generation = $2`,
    [projection, generation]);
  const unknown = Number(row.unknown) > 0 ? `, ${thousands(Number(row.unknown))} of unknown types parked` : '';
  return `rebuilt ${what}: ${thousands(Number(row.events))} events applied${unknown}, from ${thousands(position.done)} log records, in ${duration((Date.now() - startedAt) / 1000)} (${thousands(recordsPerSecond)} records/s)`;
}
