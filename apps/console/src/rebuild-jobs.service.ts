import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@carts/config';
import { ProblemError, ProblemType } from '@carts/http';
import { CommandFailed, OperatorContext, rebuildBlueGreen } from '@carts/operations';
import { NoActiveGenerationError, type ProjectionDefinition } from '@carts/read-model';
import { loggedOutput } from './operator-context.provider';

/** How long a rebuild started from the page waits for a projector to join the new generation (cartctl: --wait-projector, 10 s). */
export const WAIT_FOR_PROJECTOR_MS = 30_000;

export interface RebuildJob {
  readonly projection: string;
  state: 'running' | 'done' | 'failed';
  readonly startedAt: string;
  finishedAt: string | null;
  /** What the rebuild said, as `cartctl rebuild` prints it (building, swapped, dropped, rebuilt …). */
  readonly lines: string[];
  error: string | null;
}

/**
 * Blue/green rebuilds started from the page, run here on the server with cartctl's own code
 * (`rebuildBlueGreen`, libs/operations) and the operator's rights: one at a time per projection,
 * each with its own clients, closed when it ends. The progress the page shows does not come from
 * here but from the generation tables (ProjectionBoard), so cartctl's rebuilds show the same way.
 */
@Injectable()
export class RebuildJobs implements OnApplicationShutdown {
  private readonly jobs = new Map<string, RebuildJob>();
  private readonly running = new Set<Promise<void>>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  list(): RebuildJob[] {
    return [...this.jobs.values()];
  }

  /**
   * Starts a rebuild unless one of this projection is running, here or anywhere (`runningElsewhere`:
   * its runner holds the rebuild lock). A building generation nobody holds was left by a killed
   * rebuild: this one replaces it, as a rerun of cartctl does.
   */
  start(projection: ProjectionDefinition, runningElsewhere: boolean): RebuildJob {
    if (this.jobs.get(projection.name)?.state === 'running' || runningElsewhere) {
      throw new ProblemError(409, ProblemType.ruleBroken, 'Rebuild in progress',
        `A rebuild of ${projection.name} is already running (from this console or cartctl rebuild): its progress shows on the page`, { code: 'REBUILD_IN_PROGRESS' });
    }
    const job: RebuildJob = { projection: projection.name, state: 'running', startedAt: new Date().toISOString(), finishedAt: null, lines: [], error: null };
    this.jobs.set(projection.name, job);
    const run = this.run(projection, job);
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return job;
  }

  private async run(projection: ProjectionDefinition, job: RebuildJob): Promise<void> {
    const logger = new Logger(`Rebuild ${projection.name}`);
    const ctx = new OperatorContext(this.config, loggedOutput(logger, job.lines), 'console-rebuild');
    try {
      await rebuildBlueGreen(ctx, projection, WAIT_FOR_PROJECTOR_MS);
      job.state = 'done';
    } catch (error) {
      job.state = 'failed';
      job.error = (error as Error)?.message ?? String(error);
      if (error instanceof CommandFailed || error instanceof NoActiveGenerationError) logger.warn(job.error);
      else logger.error(`rebuild failed: ${(error as Error)?.stack ?? error}`);
    } finally {
      job.finishedAt = new Date().toISOString();
      await ctx.close();
    }
  }

  /**
   * A rebuild cut short by a shutdown leaves the live generation untouched (the swap is one
   * transaction); the unfinished one is replaced by the next rebuild. Wait briefly for a swap in flight.
   */
  async onApplicationShutdown(): Promise<void> {
    await Promise.race([Promise.allSettled([...this.running]), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  }
}
