import { Column, Entity, PrimaryColumn } from 'typeorm';

const bigintAsNumber = { to: (v: number) => v, from: (v: string) => Number(v) };

/** Read model for GET /products/:sku/activity and /products/top. Partitioned by generation. */
@Entity('product_activity')
export class ProductActivityEntity {
  @PrimaryColumn({ type: 'int' }) generation: number;
  @PrimaryColumn({ type: 'text' }) sku: string;
  /** The name of the latest ItemAdded by (occurredAt, eventId): the same whatever order partitions are read in. */
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'timestamptz', name: 'name_at', nullable: true }) nameAt: Date | null;
  @Column({ type: 'text', name: 'name_event', nullable: true }) nameEvent: string | null;
  @Column({ type: 'bigint', name: 'times_added', transformer: bigintAsNumber }) timesAdded: number;
  @Column({ type: 'bigint', name: 'quantity_added', transformer: bigintAsNumber }) quantityAdded: number;
  @Column({ type: 'bigint', name: 'times_removed', transformer: bigintAsNumber }) timesRemoved: number;
  @Column({ type: 'bigint', name: 'quantity_removed', transformer: bigintAsNumber }) quantityRemoved: number;
  @Column({ type: 'bigint', name: 'quantity_purchased', transformer: bigintAsNumber }) quantityPurchased: number;
  @Column({ type: 'bigint', name: 'quantity_abandoned', transformer: bigintAsNumber }) quantityAbandoned: number;
  @Column({ type: 'timestamptz', name: 'last_activity_at' }) lastActivityAt: Date;
}

/** Revenue of a sku at checkout, per currency (minor units): amounts in different currencies never add up. */
@Entity('product_revenue')
export class ProductRevenueEntity {
  @PrimaryColumn({ type: 'int' }) generation: number;
  @PrimaryColumn({ type: 'text' }) sku: string;
  @PrimaryColumn({ type: 'text' }) currency: string;
  @Column({ type: 'bigint', transformer: bigintAsNumber }) revenue: number;
  @Column({ type: 'bigint', name: 'quantity_purchased', transformer: bigintAsNumber }) quantityPurchased: number;
}

/** The last version of each cart applied to the product aggregates of a generation (idempotency). */
@Entity('product_activity_carts')
export class ProductActivityCartEntity {
  @PrimaryColumn({ type: 'int' }) generation: number;
  @PrimaryColumn({ type: 'uuid', name: 'cart_id' }) cartId: string;
  @Column({ type: 'int' }) version: number;
}
