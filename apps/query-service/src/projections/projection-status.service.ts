import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@carts/config';
import { topicNames } from '@carts/contracts';
import { createKafka, LogAdmin } from '@carts/event-log';
import { DATA_SOURCE, projectionStatuses, PROJECTIONS, type ProjectionStatus } from '@carts/read-model';

const END_OFFSETS_TTL_MS = 500;

/** Projection status for GET /projections: positions from PostgreSQL, log end offsets from Kafka. */
@Injectable()
export class ProjectionStatusService implements OnApplicationShutdown {
  private readonly admin: LogAdmin;
  private readonly topic: string;
  private cached: { at: number; offsets: Promise<Map<number, bigint>> } | null = null;

  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource, @Inject(APP_CONFIG) config: AppConfig) {
    this.admin = new LogAdmin(createKafka(config.kafka, 'query-status'));
    this.topic = topicNames(config.kafka.topicPrefix).events;
  }

  async statuses(): Promise<ProjectionStatus[]> {
    return projectionStatuses(this.ds, PROJECTIONS.map((p) => p.name), this.topic, await this.endOffsets());
  }

  /** Cached briefly: a dashboard polling this endpoint must not turn into a ListOffsets storm. */
  private endOffsets(): Promise<Map<number, bigint>> {
    if (!this.cached || Date.now() - this.cached.at > END_OFFSETS_TTL_MS) {
      const offsets = this.admin.endOffsets(this.topic);
      this.cached = { at: Date.now(), offsets };
      offsets.catch(() => (this.cached = null));
    }
    return this.cached.offsets;
  }

  onApplicationShutdown(): Promise<void> {
    return this.admin.close();
  }
}
