import type { DataSource } from 'typeorm';
import type { AppConfig } from '@carts/config';
import { CONSUMER_GROUPS, topicNames } from '@carts/contracts';
import { createKafka, LogAdmin, type Kafka } from '@carts/event-log';
import { createDataSource, projectionNamed, PROJECTIONS, type ProjectionDefinition } from '@carts/read-model';

/** A usage mistake: exit code 2, with the usage text. */
export class UsageError extends Error {}

/** Something an operator must act on: exit code 1, one clear message, no stack trace. */
export class CommandFailed extends Error {}

export interface Output {
  line(text?: string): void;
  /** Progress and warnings: stderr, so stdout stays parseable. */
  note(text: string): void;
  readonly progressStream: NodeJS.WriteStream;
}

/** What every command needs, opened lazily so `cartctl events` never touches PostgreSQL. */
export class CliContext {
  readonly topic: string;
  readonly kafka: Kafka;
  readonly projections: readonly ProjectionDefinition[];
  private dataSource: DataSource | null = null;
  private ownerDataSource: DataSource | null = null;
  private logAdmin: LogAdmin | null = null;

  constructor(readonly config: AppConfig, readonly out: Output) {
    this.topic = topicNames(config.kafka.topicPrefix).events;
    this.kafka = createKafka(config.kafka, 'cartctl');
    this.projections = PROJECTIONS;
  }

  async ds(): Promise<DataSource> {
    this.dataSource ??= await createDataSource(this.config.database.url, 2, 'cartctl', { connectTimeoutMs: this.config.database.connectTimeoutMs }).initialize();
    return this.dataSource;
  }

  /**
   * The owner's pool (DATABASE_OWNER_URL; DATABASE_URL when unset), used for one thing: dropping a
   * retired generation's tables. DETACH PARTITION ... CONCURRENTLY cannot run inside a function,
   * so unlike creating a generation it cannot go through the owner's SECURITY DEFINER functions.
   */
  async ownerDs(): Promise<DataSource> {
    if (!this.config.database.ownerUrl) return this.ds();
    this.ownerDataSource ??= await createDataSource(this.config.database.ownerUrl, 1, 'cartctl-owner', { connectTimeoutMs: this.config.database.connectTimeoutMs }).initialize();
    return this.ownerDataSource;
  }

  admin(): LogAdmin {
    this.logAdmin ??= new LogAdmin(this.kafka);
    return this.logAdmin;
  }

  projection(name: string | undefined): ProjectionDefinition {
    if (!name) throw new UsageError(`name a projection: ${this.projections.map((p) => p.name).join(', ')}`);
    try {
      return projectionNamed(name, this.projections);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }

  groupOf(projection: string, generation: number): string {
    return CONSUMER_GROUPS.projection(this.config.kafka.topicPrefix, projection, generation);
  }

  async close(): Promise<void> {
    await this.logAdmin?.close().catch(() => undefined);
    await this.dataSource?.destroy().catch(() => undefined);
    await this.ownerDataSource?.destroy().catch(() => undefined);
  }
}
