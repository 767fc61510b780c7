import type { EntityManager } from 'typeorm';
import { CART_EVENT_TYPES } from '@carts/domain';
import type { EventEnvelope } from '@carts/contracts';
import { partitionTable, type ProjectionDefinition } from '../projection';
import type { CartRow } from './cart-row';
import { cartIdsOf, foldPerCart } from './per-cart';
import { assertContinuous } from './version-guard';

type SqlType = 'uuid' | 'text' | 'int' | 'bigint' | 'jsonb' | 'timestamptz';

/** One column of a per-cart table: the row field it holds and its SQL type. */
export type Column<R> = { readonly [K in keyof R & string]: {
  readonly field: K;
  readonly name: string;
  readonly type: SqlType;
  /** Set at insert only, never updated (a paging key, a creation time). */
  readonly fixed?: boolean;
} }[keyof R & string];

/** The columns of every per-cart table (`CartRow`); each table adds its own view of the lines. */
export const CART_ROW_COLUMNS: readonly Column<CartRow>[] = [
  { field: 'cartId', name: 'cart_id', type: 'uuid' },
  { field: 'customerId', name: 'customer_id', type: 'text' },
  { field: 'status', name: 'status', type: 'text' },
  { field: 'currency', name: 'currency', type: 'text' },
  { field: 'itemCount', name: 'item_count', type: 'int' },
  { field: 'total', name: 'total', type: 'bigint' },
  { field: 'version', name: 'version', type: 'int' },
  // Fixed at insert: the customer list's paging key.
  { field: 'createdAt', name: 'created_at', type: 'timestamptz', fixed: true },
  { field: 'updatedAt', name: 'updated_at', type: 'timestamptz' },
];

/** node-postgres returns bigint as a string and timestamptz as a Date; rows hold numbers and ISO strings. */
function decode(type: SqlType, value: unknown): unknown {
  if (type === 'bigint') return Number(value);
  if (type === 'timestamptz') return (value as Date).toISOString();
  return value;
}

const encode = (type: SqlType, value: unknown): unknown => (type === 'jsonb' ? JSON.stringify(value) : value);

/**
 * A read model with one row per cart, LIST-partitioned by generation, described once by its
 * columns: the storage's load and upsert and the query's select list all come from this list.
 */
export class CartTable<R extends CartRow> {
  /** The select list of every column, each named as its row field. */
  readonly select: string;
  private readonly byField: ReadonlyMap<string, Column<R>>;

  constructor(readonly name: string, private readonly columns: readonly Column<R>[]) {
    this.byField = new Map(columns.map((c) => [c.field, c]));
    this.select = this.selectOf(columns.map((c) => c.field));
  }

  /** The select list of some fields, in their order. */
  selectOf(fields: readonly (keyof R & string)[]): string {
    return fields.map((f) => this.byField.get(f)!).map((c) => (c.name === c.field ? c.name : `${c.name} AS "${c.field}"`)).join(', ');
  }

  /** A row as selected (all fields, or those a query chose), with the row's types, in the selected order. */
  fromStored<K extends keyof R = keyof R>(stored: Record<string, unknown>): Pick<R, K> {
    return Object.fromEntries(Object.entries(stored).map(([field, value]) => {
      const column = this.byField.get(field);
      return [field, column ? decode(column.type, value) : value];
    })) as Pick<R, K>;
  }

  async load(tx: EntityManager, generation: number, cartIds: readonly string[]): Promise<Map<string, R>> {
    const rows: Record<string, unknown>[] = await tx.query(
      `SELECT ${this.select} FROM ${partitionTable(this.name, generation)} WHERE cart_id = ANY($1::uuid[])`, [cartIds]);
    return new Map(rows.map((stored) => [stored.cartId as string, this.fromStored(stored) as R]));
  }

  /**
   * One statement for the whole batch: unnest of column arrays, the fastest bulk upsert in PG. The
   * version guard is repeated in SQL, so a row is only ever replaced by a newer version of itself.
   */
  async upsert(tx: EntityManager, generation: number, rows: readonly R[]): Promise<void> {
    if (rows.length === 0) return;
    const table = partitionTable(this.name, generation);
    const updated = this.columns.filter((c) => !c.fixed && c.name !== 'cart_id').map((c) => `${c.name} = EXCLUDED.${c.name}`);
    await tx.query(
      `INSERT INTO ${table} (generation, ${this.columns.map((c) => c.name).join(', ')})
       SELECT $1, * FROM unnest(${this.columns.map((c, i) => `$${i + 2}::${c.type}[]`).join(', ')})
       ON CONFLICT (generation, cart_id) DO UPDATE SET ${updated.join(', ')}
       WHERE ${table}.version < EXCLUDED.version`,
      [generation, ...this.columns.map((c) => rows.map((r) => encode(c.type, r[c.field])))],
    );
  }
}

/** A per-cart read model: each batch checked for continuity and folded per cart from the stored rows, the changed rows upserted. */
export function perCartProjection<R extends CartRow>(name: string, table: CartTable<R>, evolve: (row: R | null, e: EventEnvelope) => R | null): ProjectionDefinition {
  return {
    name,
    tables: [table.name],
    handles: CART_EVENT_TYPES,
    async applyBatch(tx: EntityManager, generation: number, events: readonly EventEnvelope[]): Promise<void> {
      const stored = await table.load(tx, generation, cartIdsOf(events));
      assertContinuous(events, new Map([...stored].map(([cartId, row]) => [cartId, row.version])));
      const changed = foldPerCart(events, stored, evolve);
      await table.upsert(tx, generation, changed.map(([, row]) => row));
    },
  };
}
