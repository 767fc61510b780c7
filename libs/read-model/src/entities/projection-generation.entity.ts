import { Column, Entity, PrimaryColumn } from 'typeorm';

export type GenerationState = 'building' | 'active' | 'retired';

/** One row per generation of a projection; exactly one is `active` and serves queries. */
@Entity('projection_generations')
export class ProjectionGenerationEntity {
  @PrimaryColumn({ type: 'text' }) projection: string;
  @PrimaryColumn({ type: 'int' }) generation: number;
  @Column({ type: 'text' }) state: GenerationState;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt: Date;
  @Column({ type: 'timestamptz', name: 'activated_at', nullable: true }) activatedAt: Date | null;
  /** Set while an in-place (truncate-and-replay) rebuild of this generation runs. */
  @Column({ type: 'timestamptz', name: 'replay_started_at', nullable: true }) replayStartedAt: Date | null;
  /** The log this generation's offsets belong to (see LogIdentity); NULL until a projector first resumes it. */
  @Column({ type: 'text', name: 'log_cluster_id', nullable: true }) logClusterId: string | null;
  @Column({ type: 'text', name: 'log_topic', nullable: true }) logTopic: string | null;
  @Column({ type: 'int', name: 'log_partitions', nullable: true }) logPartitions: number | null;
  @Column({ type: 'timestamptz', name: 'log_bound_at', nullable: true }) logBoundAt: Date | null;
}
