import { hostname } from 'node:os';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { CustomTransportStrategy } from '@nestjs/microservices';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@carts/config';
import { CONSUMER_GROUPS, topicNames } from '@carts/contracts';
import { createKafka, LogAdmin, ProjectionConsumer, type Kafka, type ProjectionSink } from '@carts/event-log';
import { DATA_SOURCE, ensureActiveGeneration, liveGenerations, PostgresProjectionSink, projectionStatuses, PROJECTIONS, type LiveGeneration, type ProjectionDefinition } from '@carts/read-model';
import { DEFAULT_BACKOFF, ProjectionRunner, type Backoff } from './projection-runner';
import { sinkMetrics, trackProjections } from './projector-metrics';

const RECONCILE_INTERVAL_MS = 1000;

/**
 * What a projector is made of, for whoever composes one (main.ts: the defaults; a test: a
 * projection or a sink of its own, a shorter backoff) — rather than test switches in production code.
 */
export interface ProjectorComposition {
  readonly projections?: readonly ProjectionDefinition[];
  readonly sink?: (ds: DataSource, projection: ProjectionDefinition, generation: number) => ProjectionSink;
  readonly backoff?: Backoff;
}

export const PROJECTOR_COMPOSITION = Symbol('PROJECTOR_COMPOSITION');

/**
 * Keeps one consumer running for every live generation of every projection: the active one, and
 * any being rebuilt beside it. It reconciles against `projection_generations` every second, so a
 * rebuild started by `cartctl` on another machine is picked up, and a swapped-out generation is
 * stopped, without restarting the projector. Each generation has its own consumer group, so
 * several projector instances share its partitions.
 *
 * It is a Nest transport strategy (the projector is a hybrid app): Nest starts it after the
 * module graph is ready and closes it on shutdown, while the Kafka clients stay ours — Nest's own
 * Kafka transport has no eachBatch and no control over offsets.
 */
@Injectable()
export class ProjectionSupervisor implements CustomTransportStrategy {
  private readonly logger = new Logger(ProjectionSupervisor.name);
  private readonly kafka: Kafka;
  private readonly admin: LogAdmin;
  private readonly projections: readonly ProjectionDefinition[];
  private readonly instance = `${hostname()}:${process.pid}`;
  private readonly running = new Map<string, { readonly runner: ProjectionRunner; readonly replay: string | null }>();
  private timer?: NodeJS.Timeout;
  private reconciling = Promise.resolve();
  private started = false;
  private reconcileFailingSince = 0;

  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource, @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(PROJECTOR_COMPOSITION) private readonly composition: ProjectorComposition = {}) {
    this.kafka = createKafka(config.kafka, `projector-${process.pid}`);
    this.admin = new LogAdmin(this.kafka);
    this.projections = composition.projections ?? PROJECTIONS;
    const topic = topicNames(config.kafka.topicPrefix).events;
    trackProjections(async () => projectionStatuses(ds, this.projections.map((p) => p.name), topic, await this.admin.endOffsets(topic)));
  }

  get isRunning(): boolean {
    return this.started;
  }

  get runningGenerations(): string[] {
    return [...this.running.keys()];
  }

  /** Readiness: started, and no generation diverged from the log or stopped on an error. */
  unhealthy(): string[] {
    if (!this.started) return ['projections not started yet'];
    return [...this.running.values()].filter(({ runner }) => !runner.healthy)
      .map(({ runner }) => `${runner.key} ${runner.health.state}: ${runner.health.reason}`);
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(() => callback(), (error) => callback(error));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.started = false;
    await this.reconciling;
    await Promise.all([...this.running.values()].map((r) => r.runner.stop()));
    this.running.clear();
    await this.admin.close().catch(() => undefined);
  }

  private async start(): Promise<void> {
    for (const projection of this.projections) await ensureActiveGeneration(this.ds, projection);
    await this.reconcile();
    this.timer = setInterval(() => {
      this.reconciling = this.reconciling.then(() => this.reconcile()).then(() => this.reconciled(null), (e) => this.reconciled(e));
    }, RECONCILE_INTERVAL_MS);
    this.started = true;
  }

  /** One line when reconciling starts failing (e.g. the database is down) and one when it works again, not one a second. */
  private reconciled(error: unknown): void {
    if (error && this.reconcileFailingSince === 0) {
      this.reconcileFailingSince = Date.now();
      this.logger.error(`reconcile failed: ${(error as Error)?.message ?? error}; retrying every second (logged again when it works)`);
    } else if (!error && this.reconcileFailingSince !== 0) {
      this.logger.log(`reconcile works again after ${Math.round((Date.now() - this.reconcileFailingSince) / 1000)} s`);
      this.reconcileFailingSince = 0;
    }
  }

  private key(g: LiveGeneration): string {
    return `${g.projection}@g${g.generation}`;
  }

  private async reconcile(): Promise<void> {
    const wanted = (await liveGenerations(this.ds)).filter((g) => this.projections.some((p) => p.name === g.projection));
    const byKey = new Map(wanted.map((g) => [this.key(g), g]));
    for (const [key, r] of this.running) {
      const g = byKey.get(key);
      // An in-place rebuild reset this generation's positions: restart its consumer, which then seeks to them.
      const replayed = g?.replayStartedAt && g.replayStartedAt !== r.replay;
      if (g && !replayed) continue;
      this.running.delete(key);
      await r.runner.stop();
      this.logger.log(`stopped ${key}${replayed ? ' (in-place rebuild: restarting from the reset positions)' : ''}`);
    }
    for (const g of wanted) {
      const key = this.key(g);
      if (this.running.has(key)) continue;
      const runner = new ProjectionRunner(key, g.projection, g.generation, this.ds, (r) => this.consumerFor(g, r), this.instance,
        this.composition.backoff ?? DEFAULT_BACKOFF);
      this.running.set(key, { runner, replay: g.replayStartedAt });
      await runner.start();
      this.logger.log(`started ${key} (${g.state})`);
    }
  }

  private consumerFor(g: LiveGeneration, runner: ProjectionRunner): ProjectionConsumer {
    const projection = this.projections.find((p) => p.name === g.projection) as ProjectionDefinition;
    const { topicPrefix } = this.config.kafka;
    const settings = this.config.projections;
    const sink = this.composition.sink?.(this.ds, projection, g.generation) ?? new PostgresProjectionSink(this.ds, projection, g.generation, sinkMetrics(projection.name));
    return new ProjectionConsumer(this.kafka, {
      groupId: CONSUMER_GROUPS.projection(topicPrefix, g.projection, g.generation),
      topic: topicNames(topicPrefix).events,
      maxRecordsPerWrite: settings.maxBatch,
      partitionsConsumedConcurrently: settings.partitionConcurrency,
      sessionTimeoutMs: settings.sessionTimeoutMs,
      logger: new Logger('ProjectionConsumer'),
    }, sink, this.admin, {
      consuming: () => runner.consuming(),
      diverged: (reason) => runner.diverged(reason),
      crashed: (error, restarting) => runner.crashed(error, restarting),
      waiting: (reason) => runner.waiting(reason),
      resumed: () => runner.resumed(),
    });
  }
}
