import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The next offset to read, written in the same transaction as the read-model change. */
@Entity('projection_offsets')
export class ProjectionOffsetEntity {
  @PrimaryColumn({ type: 'text' }) projection: string;
  @PrimaryColumn({ type: 'int' }) generation: number;
  @PrimaryColumn({ type: 'text' }) topic: string;
  @PrimaryColumn({ type: 'int' }) partition: number;
  @Column({ type: 'bigint', name: 'next_offset' }) nextOffset: string;
  @Column({ type: 'bigint', name: 'events_applied', default: 0 }) eventsApplied: string;
  @Column({ type: 'bigint', name: 'unknown_skipped', default: 0 }) unknownSkipped: string;
  @Column({ type: 'timestamptz', name: 'last_event_at', nullable: true }) lastEventAt: Date | null;
  @Column({ type: 'timestamptz', name: 'updated_at' }) updatedAt: Date;
}
