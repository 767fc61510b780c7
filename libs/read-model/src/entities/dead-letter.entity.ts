import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A record a projection could not apply (poison), or a later record of the same cart parked
 * behind it so that cart's order holds. Retried in id order by `cartctl dlq retry`.
 */
@Entity('dead_letters')
export class DeadLetterEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ type: 'text' }) projection: string;
  @Column({ type: 'int' }) generation: number;
  @Column({ type: 'text' }) topic: string;
  @Column({ type: 'int' }) partition: number;
  @Column({ type: 'bigint' }) offset: string;
  @Column({ type: 'text', name: 'cart_id', nullable: true }) cartId: string | null;
  @Column({ type: 'bytea', nullable: true }) value: Buffer | null;
  @Column({ type: 'text' }) reason: string;
  /** `poison` for the failing record, `blocked` for one parked behind it. */
  @Column({ type: 'text' }) kind: 'poison' | 'blocked';
  @Column({ type: 'text', default: 'parked' }) status: 'parked' | 'resolved';
  @Column({ type: 'timestamptz', name: 'parked_at' }) parkedAt: Date;
  @Column({ type: 'timestamptz', name: 'resolved_at', nullable: true }) resolvedAt: Date | null;
  /** How it was resolved: `applied` (retried after a fix), `skipped` (by an operator), `not-applicable`. */
  @Column({ type: 'text', nullable: true }) resolution: string | null;
}
