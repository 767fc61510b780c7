import type { DataSource } from 'typeorm';
import type { AppConfig } from '@carts/config';
import { CONSUMER_GROUPS, topicNames } from '@carts/contracts';
import { createKafka, LogAdmin, type Kafka } from '@carts/event-log';
import { createDataSource, projectionNamed, PROJECTIONS, type ProjectionDefinition } from '@carts/read-model';

/** Something an operator must act on: one clear message, no stack trace (cartctl: exit code 1; the console: a problem). */
export class CommandFailed extends Error {}

/** How far a rebuild is, as the caller shows it: a terminal progress bar (cartctl) or a page (the console). */
export interface ProgressSink {
  update(done: number, total: number): void;
  finish(done: number, total: number): void;
  /** Log records per second over the whole run, for the closing line. */
  averageRate(done: number): number;
}

export interface Output {
  line(text?: string): void;
  /** Progress and warnings (cartctl: stderr, so stdout stays parseable). */
  note(text: string): void;
  progress(label: string): ProgressSink;
}

/**
 * What every operator action needs — the broker, PostgreSQL as the writer and the owner — opened
 * lazily (reading a cart's history never touches PostgreSQL). Used by cartctl and by the console.
 */
export class OperatorContext {
  readonly topic: string;
  readonly kafka: Kafka;
  readonly projections: readonly ProjectionDefinition[];
  private dataSource: Promise<DataSource> | null = null;
  private ownerDataSource: Promise<DataSource> | null = null;
  private logAdmin: LogAdmin | null = null;

  /** `clientId` names the Kafka client and the PostgreSQL sessions; `poolSize`: the writer's pool (a CLI needs 2). */
  constructor(readonly config: AppConfig, readonly out: Output, private readonly clientId = 'cartctl', private readonly poolSize = 2) {
    this.topic = topicNames(config.kafka.topicPrefix).events;
    this.kafka = createKafka(config.kafka, clientId);
    this.projections = PROJECTIONS;
  }

  /** The writer's pool (DATABASE_URL). A promise, so concurrent first callers share one pool. */
  ds(): Promise<DataSource> {
    this.dataSource ??= createDataSource(this.config.database.url, this.poolSize, this.clientId, { connectTimeoutMs: this.config.database.connectTimeoutMs }).initialize();
    this.dataSource.catch(() => (this.dataSource = null));
    return this.dataSource;
  }

  /**
   * The owner's pool (DATABASE_OWNER_URL; DATABASE_URL when unset), used for one thing: dropping a
   * retired generation's tables. DETACH PARTITION ... CONCURRENTLY cannot run inside a function,
   * so unlike creating a generation it cannot go through the owner's SECURITY DEFINER functions.
   */
  ownerDs(): Promise<DataSource> {
    if (!this.config.database.ownerUrl) return this.ds();
    this.ownerDataSource ??= createDataSource(this.config.database.ownerUrl, 1, `${this.clientId}-owner`, { connectTimeoutMs: this.config.database.connectTimeoutMs }).initialize();
    this.ownerDataSource.catch(() => (this.ownerDataSource = null));
    return this.ownerDataSource;
  }

  admin(): LogAdmin {
    this.logAdmin ??= new LogAdmin(this.kafka);
    return this.logAdmin;
  }

  /** The projection of that name; throws an Error naming the known ones otherwise. */
  projection(name: string): ProjectionDefinition {
    return projectionNamed(name, this.projections);
  }

  groupOf(projection: string, generation: number): string {
    return CONSUMER_GROUPS.projection(this.config.kafka.topicPrefix, projection, generation);
  }

  async close(): Promise<void> {
    await this.logAdmin?.close().catch(() => undefined);
    await (await this.dataSource?.catch(() => null))?.destroy().catch(() => undefined);
    await (await this.ownerDataSource?.catch(() => null))?.destroy().catch(() => undefined);
  }
}
