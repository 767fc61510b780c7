import { beginBlueGreen, dropGenerationTablesOnline, retireGeneration, trySwap, type ProjectionDefinition } from '@carts/read-model';
import { CommandFailed, type OperatorContext } from './operator-context';
import { whileHoldingRebuildLock } from './rebuild-lock';
import { rebuiltLine, sleep, waitForConsumer, watchUntil, type Position } from './rebuild-watch';

/** Try the swap once the new generation is close: the swap itself refuses if it is behind the live one. */
const closeEnough = (p: Position) => p.caughtUp || p.lag <= Math.max(1000, p.total / 100);

/** As the owner: only the owner of a table may detach and drop it. */
async function dropTables(ctx: OperatorContext, projection: ProjectionDefinition, generation: number): Promise<void> {
  try {
    await dropGenerationTablesOnline(await ctx.ownerDs(), projection, generation);
  } catch (error) {
    if ((error as { code?: string }).code !== '42501') throw error;
    throw new CommandFailed(`dropping ${projection.name} generation ${generation}'s tables needs the owner role: set DATABASE_OWNER_URL and run the rebuild again (${(error as Error).message})`);
  }
}

async function dropRetired(ctx: OperatorContext, projection: ProjectionDefinition, generation: number): Promise<void> {
  await dropTables(ctx, projection, generation);
  // Once the projectors have let go of it, the old group would only clutter lag tools.
  for (let i = 0; i < 20 && !(await ctx.admin().deleteGroup(ctx.groupOf(projection.name, generation)).catch(() => true)); i++) await sleep(250);
}

/**
 * `cartctl rebuild <projection>`: a new generation is built from offset 0 in new tables by the
 * running projectors while the live one keeps serving; this command watches it, swaps it in
 * atomically once it has caught up with the live one, and drops the old tables. Killed at any
 * point, the live generation is untouched; a rerun replaces the unfinished generation. One at a
 * time per projection (holdRebuildLock): a second one fails at once instead of replacing the
 * generation the first is still watching.
 */
export async function rebuildBlueGreen(ctx: OperatorContext, projection: ProjectionDefinition, waitProjectorMs: number): Promise<number> {
  return whileHoldingRebuildLock(await ctx.ds(), projection.name, () => rebuildHoldingTheLock(ctx, projection, waitProjectorMs));
}

async function rebuildHoldingTheLock(ctx: OperatorContext, projection: ProjectionDefinition, waitProjectorMs: number): Promise<number> {
  const ds = await ctx.ds();
  const started = Date.now();
  const { active, building, replaced } = await beginBlueGreen(ds, projection);
  for (const stale of replaced) {
    ctx.out.line(`replacing unfinished generation ${stale} of ${projection.name} (left by an earlier rebuild)`);
    await dropRetired(ctx, projection, stale);
  }
  ctx.out.line(`building ${projection.name} generation ${building} from offset 0 while generation ${active} keeps serving`);
  if (!(await waitForConsumer(ctx, projection.name, building, waitProjectorMs))) {
    await retireGeneration(ds, projection.name, building);
    await dropTables(ctx, projection, building);
    throw new CommandFailed(`no projector started consuming ${projection.name} generation ${building} within ${waitProjectorMs / 1000} s: is a projector running against this database and broker? Generation ${active} is untouched and still live.`);
  }
  const { position, recordsPerSecond } = await watchUntil(ctx, `g${building}`, projection.name, building, async (p) => {
    if (!closeEnough(p)) return false;
    const result = await trySwap(ds, projection.name, active, building, ctx.topic);
    if (result === 'superseded') throw new CommandFailed(`generation ${building} was replaced or retired by someone else (another rebuild?) before the swap`);
    return result === 'swapped';
  });
  ctx.out.line(`swapped: ${projection.name} generation ${building} is live, generation ${active} retired`);
  await dropRetired(ctx, projection, active);
  ctx.out.line(`dropped the tables of generation ${active}`);
  const parked = await ds.query(`SELECT count(*) AS n FROM dead_letters WHERE projection = $1 AND generation = $2 AND status = 'parked'`, [projection.name, building]);
  if (Number(parked[0].n) > 0) ctx.out.note(`warning: ${parked[0].n} record(s) are parked in generation ${building}: see "cartctl dlq list"`);
  ctx.out.line(await rebuiltLine(ctx, projection.name, projection.name, building, position, started, recordsPerSecond));
  return 0;
}
