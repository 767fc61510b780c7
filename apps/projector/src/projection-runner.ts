import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { ProjectionConsumer } from '@carts/event-log';
import { reportHealth, type HealthState } from '@carts/read-model';
import { countRestart } from './projector-metrics';

/** Restart delays after a crash: 1 s, 2 s, 4 s … capped, back to 1 s once a run lasted longer than the cap. */
export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 1000, maxMs: 30_000 };

export function restartDelay(backoff: Backoff, consecutiveCrashes: number): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, consecutiveCrashes - 1));
}

export interface RunnerHealth {
  /** `waiting`: the database is unavailable; in memory only (readiness), since it cannot be written where it is down. */
  readonly state: HealthState | 'starting' | 'waiting';
  readonly reason: string | null;
  readonly restarts: number;
}

/**
 * One live generation of one projection in this process: its consumer, and what it reports.
 * A consumer that kafkajs gives up on (a CRASH without restart, e.g. a non-retriable error) is
 * never left dead behind a green readiness: it is reported `failed` with the error and restarted
 * with exponential backoff. A generation whose stored offsets do not belong to the log is reported
 * `diverged` and stays paused: only an operator can decide to rebuild. While the database is
 * unavailable the consumer keeps its partitions and retries the same batch (ProjectionConsumer's
 * backoff): the runner reports `waiting` and goes back to `running` when a write succeeds.
 */
export class ProjectionRunner {
  private readonly logger = new Logger(ProjectionRunner.name);
  private consumer: ProjectionConsumer | null = null;
  private restartTimer?: NodeJS.Timeout;
  private stopped = false;
  private consecutive = 0;
  private startedAt = 0;
  private current: RunnerHealth = { state: 'starting', reason: null, restarts: 0 };
  private reporting = Promise.resolve();

  constructor(
    readonly key: string,
    private readonly projection: string,
    private readonly generation: number,
    private readonly ds: DataSource,
    private readonly createConsumer: (runner: ProjectionRunner) => ProjectionConsumer,
    private readonly instance: string,
    private readonly backoff: Backoff = DEFAULT_BACKOFF,
  ) {}

  get health(): RunnerHealth {
    return this.current;
  }

  /** Up for readiness: consuming (or still joining its group). */
  get healthy(): boolean {
    return this.current.state === 'running' || this.current.state === 'starting';
  }

  async start(): Promise<void> {
    this.startedAt = Date.now();
    this.consumer = this.createConsumer(this);
    try {
      await this.consumer.start();
    } catch (error) {
      this.crashed(error as Error, false);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    await this.consumer?.stop();
    await this.reporting;
  }

  consuming(): void {
    if (this.current.state !== 'running') this.set('running', null);
  }

  waiting(reason: string): void {
    if (this.current.state === 'diverged' || this.current.state === 'failed') return;
    this.current = { ...this.current, state: 'waiting', reason: `waiting for the database (${reason}); nothing is skipped, it resumes by itself` };
  }

  resumed(): void {
    if (this.current.state === 'waiting') this.set('running', null);
  }

  diverged(reason: string): void {
    this.logger.error(`${this.key} DIVERGED: ${reason}. Nothing is applied until then; readiness is down.`);
    this.set('diverged', reason);
  }

  crashed(error: Error, restarting: boolean): void {
    if (this.stopped) return;
    const message = `${error?.name ?? 'Error'}: ${error?.message ?? error}`;
    this.consecutive = Date.now() - this.startedAt > this.backoff.maxMs ? 1 : this.consecutive + 1;
    this.current = { ...this.current, restarts: this.current.restarts + 1 };
    countRestart(this.projection);
    if (restarting) {
      this.logger.warn(`${this.key} consumer crashed (${message}); the Kafka client restarts it`);
      this.set('restarting', `consumer crashed: ${message}; restarting`, message);
      return;
    }
    const delay = restartDelay(this.backoff, this.consecutive);
    this.logger.error(`${this.key} consumer STOPPED on a non-retriable error (${message}); restart ${this.current.restarts} in ${delay} ms`);
    this.set('failed', `consumer stopped: ${message}; restart ${this.current.restarts} in ${delay} ms`, message);
    this.restartTimer = setTimeout(() => void this.restart(), delay);
  }

  private async restart(): Promise<void> {
    if (this.stopped) return;
    await this.consumer?.stop().catch(() => undefined);
    if (this.stopped) return;
    this.current = { ...this.current, state: 'restarting' };
    await this.start();
  }

  /** In memory at once (readiness), then in PostgreSQL, in order. */
  private set(state: HealthState, reason: string | null, error?: string): void {
    this.current = { ...this.current, state, reason };
    this.reporting = this.reporting
      .then(() => reportHealth(this.ds, this.projection, this.generation, { state, reason, error, instance: this.instance }))
      .catch((e) => this.logger.warn(`${this.key}: could not record its health (${state}): ${e}`));
  }
}
