import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CartLine } from '@carts/domain';

const bigintAsNumber = { to: (v: number) => v, from: (v: string) => Number(v) };

/** Read model for GET /customers/:customerId/carts. Partitioned by generation. */
@Entity('customer_carts')
export class CustomerCartEntity {
  @PrimaryColumn({ type: 'int' }) generation: number;
  @PrimaryColumn({ type: 'uuid', name: 'cart_id' }) cartId: string;
  @Column({ type: 'text', name: 'customer_id' }) customerId: string;
  @Column({ type: 'text' }) status: 'open' | 'checked_out' | 'abandoned';
  @Column({ type: 'text', nullable: true }) currency: string | null;
  @Column({ type: 'int', name: 'item_count' }) itemCount: number;
  @Column({ type: 'bigint', transformer: bigintAsNumber }) total: number;
  /** The fold's state (each line's quantity and price), needed to re-total after a change; not served. */
  @Column({ type: 'jsonb' }) lines: CartLine[];
  @Column({ type: 'int' }) version: number;
  /** CartCreated's time: the list's paging key (never changes). */
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt: Date;
  @Column({ type: 'timestamptz', name: 'updated_at' }) updatedAt: Date;
}
