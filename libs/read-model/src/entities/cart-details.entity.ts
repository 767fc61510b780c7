import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CartLine } from '@carts/domain';

/** Read model for GET /carts/:id. Partitioned by generation (one table per generation). */
@Entity('cart_details')
export class CartDetailsEntity {
  @PrimaryColumn({ type: 'int' }) generation: number;
  @PrimaryColumn({ type: 'uuid', name: 'cart_id' }) cartId: string;
  @Column({ type: 'text', name: 'customer_id' }) customerId: string;
  @Column({ type: 'text' }) status: 'open' | 'checked_out' | 'abandoned';
  @Column({ type: 'text', nullable: true }) currency: string | null;
  @Column({ type: 'jsonb' }) lines: CartLine[];
  @Column({ type: 'int', name: 'item_count' }) itemCount: number;
  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } }) total: number;
  @Column({ type: 'int' }) version: number;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt: Date;
  @Column({ type: 'timestamptz', name: 'updated_at' }) updatedAt: Date;
}
