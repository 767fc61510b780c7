import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@carts/config';
import { CONSUMER_GROUPS, topicNames } from '@carts/contracts';
import { createKafka, ProjectionConsumer, type Kafka } from '@carts/event-log';
import { DATA_SOURCE, ensureActiveGeneration, liveGenerations, PostgresProjectionSink, PROJECTIONS, projectionNamed } from '@carts/read-model';

interface Running {
  readonly key: string;
  readonly consumer: ProjectionConsumer;
}

/**
 * Keeps one consumer running for every live generation of every projection: the active one, and
 * any being rebuilt beside it. It reconciles against `projection_generations` every second, so a
 * rebuild started by `cartctl` on another machine is picked up, and a swapped-out generation is
 * stopped, without restarting the projector. Each generation has its own consumer group, so
 * several projector instances share its partitions.
 */
@Injectable()
export class ProjectionSupervisor implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ProjectionSupervisor.name);
  private readonly kafka: Kafka;
  private readonly running = new Map<string, Running>();
  private timer?: NodeJS.Timeout;
  private reconciling = Promise.resolve();

  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource, @Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.kafka = createKafka(config.kafka, `projector-${process.pid}`);
  }

  get runningGenerations(): string[] {
    return [...this.running.keys()];
  }

  async onModuleInit(): Promise<void> {
    for (const projection of PROJECTIONS) await ensureActiveGeneration(this.ds, projection);
    await this.reconcile();
    this.timer = setInterval(() => {
      this.reconciling = this.reconciling.then(() => this.reconcile()).catch((e) => this.logger.error(`reconcile failed: ${e}`));
    }, 1000);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.reconciling;
    await Promise.all([...this.running.values()].map((r) => r.consumer.stop()));
    this.running.clear();
  }

  private async reconcile(): Promise<void> {
    const wanted = (await liveGenerations(this.ds)).filter((g) => PROJECTIONS.some((p) => p.name === g.projection));
    const wantedKeys = new Set(wanted.map((g) => `${g.projection}@${g.generation}`));
    for (const [key, r] of this.running) {
      if (wantedKeys.has(key)) continue;
      this.running.delete(key);
      await r.consumer.stop();
      this.logger.log(`stopped ${key}`);
    }
    for (const g of wanted) {
      const key = `${g.projection}@${g.generation}`;
      if (this.running.has(key)) continue;
      const sink = new PostgresProjectionSink(this.ds, projectionNamed(g.projection), g.generation);
      const consumer = new ProjectionConsumer(this.kafka, {
        groupId: CONSUMER_GROUPS.projection(this.config.kafka.topicPrefix, g.projection, g.generation),
        topic: topicNames(this.config.kafka.topicPrefix).events,
      }, sink);
      this.running.set(key, { key, consumer });
      await consumer.start();
      this.logger.log(`started ${key} (${g.state})`);
    }
  }
}
