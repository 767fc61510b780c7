import { Inject, Injectable, Logger } from '@nestjs/common';
import type { CustomTransportStrategy } from '@nestjs/microservices';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@carts/config';
import { CONSUMER_GROUPS, topicNames } from '@carts/contracts';
import { createKafka, ProjectionConsumer, type Kafka } from '@carts/event-log';
import { createProjections, DATA_SOURCE, ensureActiveGeneration, liveGenerations, PostgresProjectionSink, type LiveGeneration, type ProjectionDefinition } from '@carts/read-model';

const RECONCILE_INTERVAL_MS = 1000;

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
  private readonly projections: readonly ProjectionDefinition[];
  private readonly running = new Map<string, { readonly consumer: ProjectionConsumer; readonly replay: string | null }>();
  private timer?: NodeJS.Timeout;
  private reconciling = Promise.resolve();
  private started = false;

  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource, @Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.kafka = createKafka(config.kafka, `projector-${process.pid}`);
    this.projections = createProjections(config.projections.faults);
  }

  get isRunning(): boolean {
    return this.started;
  }

  get runningGenerations(): string[] {
    return [...this.running.keys()];
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(() => callback(), (error) => callback(error));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.started = false;
    await this.reconciling;
    await Promise.all([...this.running.values()].map((r) => r.consumer.stop()));
    this.running.clear();
  }

  private async start(): Promise<void> {
    const { faults } = this.config.projections;
    if (faults.wrongTotals || faults.failOnSku) this.logger.warn(`TEST-ONLY projection faults are ON: ${JSON.stringify(faults)}`);
    for (const projection of this.projections) await ensureActiveGeneration(this.ds, projection);
    await this.reconcile();
    this.timer = setInterval(() => {
      this.reconciling = this.reconciling.then(() => this.reconcile()).catch((e) => this.logger.error(`reconcile failed: ${e}`));
    }, RECONCILE_INTERVAL_MS);
    this.started = true;
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
      await r.consumer.stop();
      this.logger.log(`stopped ${key}${replayed ? ' (in-place rebuild: restarting from the reset positions)' : ''}`);
    }
    for (const g of wanted) {
      const key = this.key(g);
      if (this.running.has(key)) continue;
      const consumer = this.consumerFor(g);
      this.running.set(key, { consumer, replay: g.replayStartedAt });
      await consumer.start();
      this.logger.log(`started ${key} (${g.state})`);
    }
  }

  private consumerFor(g: LiveGeneration): ProjectionConsumer {
    const projection = this.projections.find((p) => p.name === g.projection) as ProjectionDefinition;
    const { topicPrefix } = this.config.kafka;
    const settings = this.config.projections;
    return new ProjectionConsumer(this.kafka, {
      groupId: CONSUMER_GROUPS.projection(topicPrefix, g.projection, g.generation),
      topic: topicNames(topicPrefix).events,
      maxRecordsPerWrite: settings.maxBatch,
      partitionsConsumedConcurrently: settings.partitionConcurrency,
      sessionTimeoutMs: settings.sessionTimeoutMs,
    }, new PostgresProjectionSink(this.ds, projection, g.generation));
  }
}
