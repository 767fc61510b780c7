import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ID_PATTERN } from '@carts/contracts';
import { ProblemError, ProblemType, RequireRoles, unavailableProblem, validationProblem } from '@carts/http';
import { OperatorContext, readCartHistory, rebuildRunning, type CartHistory } from '@carts/operations';
import { listDeadLetters, retryDeadLetters, skipDeadLetter, type DeadLetterView, type ProjectionDefinition, type RetryReport } from '@carts/read-model';
import { OPERATOR_CONTEXT } from './operator-context.provider';
import { ProjectionBoard, type ProjectionBoardEntry } from './projection-board.service';
import { RebuildJobs, type RebuildJob } from './rebuild-jobs.service';

const notFound = (detail: string) => new ProblemError(404, ProblemType.notFound, 'Not found', detail);

/** A broker that does not answer is an outage (503 with Retry-After), not a bug. */
async function kafkaCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if ((error as Error)?.name?.startsWith('KafkaJS')) throw unavailableProblem(`Cannot ${what}: Kafka does not answer (${(error as Error).message})`, 2);
    throw error;
  }
}

/**
 * The console's API, operators only: what `cartctl status`, `rebuild`, `dlq` and `events` do,
 * with the same library code (libs/operations, libs/read-model).
 */
@RequireRoles('operator')
@Controller('console/api')
export class ConsoleApiController {
  constructor(
    @Inject(OPERATOR_CONTEXT) private readonly ctx: OperatorContext,
    private readonly board: ProjectionBoard,
    private readonly rebuilds: RebuildJobs,
  ) {}

  @Get('projections')
  async projections(): Promise<{ projections: ProjectionBoardEntry[]; rebuilds: RebuildJob[] }> {
    return { projections: await kafkaCall('read the log end offsets', () => this.board.entries()), rebuilds: this.rebuilds.list() };
  }

  @Post('projections/:name/rebuild')
  @HttpCode(202)
  async rebuild(@Param('name') name: string): Promise<RebuildJob> {
    const projection = this.projection(name);
    const current = (await kafkaCall('read the log end offsets', () => this.board.entries())).find((p) => p.name === projection.name);
    if (current?.activeGeneration === null) {
      throw new ProblemError(409, ProblemType.ruleBroken, 'Not started', `${projection.name} has no active generation yet: start a projector first`, { code: 'PROJECTION_NOT_STARTED' });
    }
    return this.rebuilds.start(projection, await rebuildRunning(await this.ctx.ds(), projection.name));
  }

  @Get('dead-letters')
  async deadLetters(@Query('all') all?: string): Promise<{ deadLetters: DeadLetterView[] }> {
    return { deadLetters: await listDeadLetters(await this.ctx.ds(), { all: all === 'true' }) };
  }

  /** Re-applies the parked records of this letter's cart in its projection, in log order (`cartctl dlq retry --projection … --cart …`). */
  @Post('dead-letters/:id/retry')
  async retry(@Param('id') id: string): Promise<{ reports: RetryReport[] }> {
    const letter = await this.parked(id);
    const projection = this.projection(letter.projection);
    // A record without a key has no cart: retrying it means retrying it alone, which the cart filter cannot name.
    if (letter.cartId === null) {
      throw new ProblemError(409, ProblemType.ruleBroken, 'Cannot retry', `Dead letter #${id} has no cart id (no key): it can only be skipped`, { code: 'DEAD_LETTER_HAS_NO_CART' });
    }
    return { reports: await retryDeadLetters(await this.ctx.ds(), projection, { cartId: letter.cartId }) };
  }

  /** Gives up on one parked record (`cartctl dlq skip <id>`); the records parked behind it can then be retried. */
  @Post('dead-letters/:id/skip')
  async skip(@Param('id') id: string): Promise<DeadLetterView> {
    await this.parked(id);
    const skipped = await skipDeadLetter(await this.ctx.ds(), id);
    if (!skipped) throw notFound(`No parked record #${id}`);
    return skipped;
  }

  /** The cart's history read back from the log, as `cartctl events` prints it. */
  @Get('carts/:cartId/events')
  async history(@Param('cartId') cartId: string): Promise<CartHistory> {
    if (!ID_PATTERN.test(cartId)) throw validationProblem([{ field: 'cartId', message: 'cartId must be 1-64 characters of [A-Za-z0-9._-]' }]);
    return kafkaCall('read the cart\'s partition', () => readCartHistory(this.ctx, cartId));
  }

  private projection(name: string): ProjectionDefinition {
    try {
      return this.ctx.projection(name);
    } catch (error) {
      throw notFound((error as Error).message);
    }
  }

  private async parked(id: string): Promise<DeadLetterView> {
    if (!/^[1-9][0-9]{0,17}$/.test(id)) throw validationProblem([{ field: 'id', message: 'id must be the number of a dead letter' }]);
    const letter = (await listDeadLetters(await this.ctx.ds())).find((d) => d.id === id);
    if (!letter) throw notFound(`No parked record #${id}`);
    return letter;
  }
}
