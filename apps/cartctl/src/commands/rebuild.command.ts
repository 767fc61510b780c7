import { rebuildBlueGreen } from '@carts/operations';
import { NoActiveGenerationError } from '@carts/read-model';
import { parseArgs, positiveSeconds } from '../args';
import { CommandFailed, UsageError, type CliContext } from '../context';
import { rebuildInPlace } from './rebuild-in-place';

export const rebuildUsage = 'rebuild <projection> [--in-place] [--wait-projector <s>]   blue/green rebuild from offset 0 (or truncate-and-replay)';

/** `cartctl rebuild <projection>`: one projection; the others are untouched. Needs a running projector. */
export async function rebuild(ctx: CliContext, argv: string[]): Promise<number> {
  const { positional, flags } = parseArgs(argv, ['wait-projector'], ['in-place']);
  if (positional.length !== 1) throw new UsageError('rebuild needs exactly one projection name');
  const projection = ctx.projection(positional[0]);
  const waitMs = positiveSeconds(flags, 'wait-projector', 10) * 1000;
  try {
    return flags.has('in-place') ? await rebuildInPlace(ctx, projection, waitMs) : await rebuildBlueGreen(ctx, projection, waitMs);
  } catch (error) {
    if (error instanceof NoActiveGenerationError) throw new CommandFailed(error.message);
    throw error;
  }
}
