import { rebuiltLine, waitForConsumer, watchUntil, whileHoldingRebuildLock } from '@carts/operations';
import { activeGeneration, beginInPlace, finishInPlace, type ProjectionDefinition } from '@carts/read-model';
import { CommandFailed, type CliContext } from '../context';

/**
 * `cartctl rebuild <projection> --in-place`: empties the live generation and replays the log into
 * it. No second copy of the tables, but queries see a partial view until it has caught up — use
 * it when that is acceptable (a maintenance window, a view nobody reads yet). Nothing is touched
 * unless a projector is consuming the projection.
 */
export async function rebuildInPlace(ctx: CliContext, projection: ProjectionDefinition, waitProjectorMs: number): Promise<number> {
  return whileHoldingRebuildLock(await ctx.ds(), projection.name, () => replay(ctx, projection, waitProjectorMs));
}

async function replay(ctx: CliContext, projection: ProjectionDefinition, waitProjectorMs: number): Promise<number> {
  const ds = await ctx.ds();
  const started = Date.now();
  const live = await activeGeneration(ds, projection.name);
  if (live === null) throw new CommandFailed(`${projection.name} has no active generation yet: start a projector first`);
  if (!(await waitForConsumer(ctx, projection.name, live, waitProjectorMs))) {
    throw new CommandFailed(`no projector is consuming ${projection.name} generation ${live} (waited ${waitProjectorMs / 1000} s): start one first. Nothing was changed.`);
  }
  const generation = await beginInPlace(ds, projection);
  ctx.out.line(`emptied ${projection.name} generation ${generation} and reset its positions to 0; the projectors replay the log into it (queries see a partial view meanwhile)`);
  const { position, recordsPerSecond } = await watchUntil(ctx, `g${generation}`, projection.name, generation, async (p) => {
    if (!p.caughtUp) return false;
    await finishInPlace(ds, projection.name, generation);
    return true;
  });
  ctx.out.line(await rebuiltLine(ctx, `${projection.name} in place`, projection.name, generation, position, started, recordsPerSecond));
  return 0;
}
