import type { DataSource, EntityManager } from 'typeorm';
import { decodeEvent, PoisonRecordError } from '@carts/contracts';
import type { ProjectionDefinition } from '../projection';
import { READ_MODEL_CHANNEL } from './generations';
import { applyInCartOrder, inSavepoint, projectionFailure, unknownTypeReason } from './savepoints';

export interface DeadLetterView {
  readonly id: string;
  readonly projection: string;
  readonly generation: number;
  readonly partition: number;
  readonly offset: string;
  readonly cartId: string | null;
  readonly kind: 'poison' | 'blocked';
  readonly status: 'parked' | 'resolved';
  readonly resolution: string | null;
  readonly reason: string;
  readonly parkedAt: string;
}

interface Row { id: string; projection: string; generation: number; partition: number; offset: string; cart_id: string | null; kind: 'poison' | 'blocked'; status: 'parked' | 'resolved'; resolution: string | null; reason: string; parked_at: Date; value: Buffer | null }

const view = (r: Row): DeadLetterView => ({
  id: String(r.id), projection: r.projection, generation: r.generation, partition: r.partition, offset: String(r.offset), cartId: r.cart_id,
  kind: r.kind, status: r.status, resolution: r.resolution, reason: r.reason, parkedAt: r.parked_at.toISOString(),
});

/** Parked records of live generations (or every record ever parked, with `all`), in log order. */
export async function listDeadLetters(ds: DataSource, options: { projection?: string; all?: boolean } = {}): Promise<DeadLetterView[]> {
  const rows: Row[] = await ds.query(
    `SELECT d.* FROM dead_letters d JOIN projection_generations g USING (projection, generation)
      WHERE ($1::text IS NULL OR d.projection = $1) AND ($2 OR (d.status = 'parked' AND g.state IN ('active', 'building')))
      ORDER BY d.projection, d.generation, d.partition, d."offset", d.id`, [options.projection ?? null, options.all ?? false]);
  return rows.map(view);
}

/** An operator gives up on a record (it can never be read): later records of its cart may then be retried. */
export async function skipDeadLetter(ds: DataSource, id: string): Promise<DeadLetterView | null> {
  const [rows] = (await ds.query(
    `UPDATE dead_letters SET status = 'resolved', resolution = 'skipped', resolved_at = now() WHERE id = $1 AND status = 'parked' RETURNING *`, [id])) as [Row[], number];
  return rows[0] ? view(rows[0]) : null;
}

/**
 * Gives up on one log record (partition and offset of `cart-events`) everywhere it is parked: a
 * record no projection can read is parked once per projection and live generation.
 */
export async function skipDeadLettersAt(ds: DataSource, partition: number, offset: string): Promise<DeadLetterView[]> {
  const [rows] = (await ds.query(
    `UPDATE dead_letters d SET status = 'resolved', resolution = 'skipped', resolved_at = now()
       FROM projection_generations g
      WHERE g.projection = d.projection AND g.generation = d.generation AND g.state IN ('active', 'building')
        AND d.partition = $1 AND d."offset" = $2 AND d.status = 'parked'
      RETURNING d.*`, [partition, offset])) as [Row[], number];
  return rows.map(view).sort((a, b) => a.projection.localeCompare(b.projection) || a.generation - b.generation);
}

export interface RetryReport {
  readonly projection: string;
  readonly generation: number;
  readonly applied: number;
  readonly stillParked: DeadLetterView[];
}

type Attempt = { readonly ok: true; readonly resolution: 'applied' | 'not-applicable' } | { readonly ok: false; readonly reason: string };

async function attempt(tx: EntityManager, projection: ProjectionDefinition, generation: number, value: Buffer | null): Promise<Attempt> {
  let decoded;
  try {
    decoded = decodeEvent(value);
  } catch (error) {
    if (error instanceof PoisonRecordError) return { ok: false, reason: error.message };
    throw error;
  }
  if (decoded.kind === 'unknown') return { ok: false, reason: unknownTypeReason(decoded.type, decoded.version) };
  if (!projection.handles.includes(decoded.event.type)) return { ok: true, resolution: 'not-applicable' };
  const outcome = await inSavepoint(tx, () => projection.applyBatch(tx, generation, [decoded.event]));
  return outcome.ok ? { ok: true, resolution: 'applied' } : { ok: false, reason: projectionFailure(outcome.error) };
}

/** Re-applies one cart's parked records in log order, stopping at the first that still fails. */
async function retryCart(tx: EntityManager, projection: ProjectionDefinition, generation: number, rows: Row[]): Promise<{ applied: number; left: Row[] }> {
  let applied = 0;
  const stopped = await applyInCartOrder(rows, async (row) => {
    const result = await attempt(tx, projection, generation, row.value);
    if (!result.ok) return result;
    await tx.query(`UPDATE dead_letters SET status = 'resolved', resolution = $2, resolved_at = now() WHERE id = $1`, [row.id, result.resolution]);
    if (result.resolution === 'applied') applied++;
    return result;
  });
  if (!stopped) return { applied, left: [] };
  await tx.query(`UPDATE dead_letters SET kind = 'poison', reason = $2 WHERE id = $1`, [rows[stopped.at].id, stopped.reason]);
  return { applied, left: rows.slice(stopped.at).map((r, j) => (j === 0 ? { ...r, kind: 'poison', reason: stopped.reason } : r)) };
}

/**
 * `dlq retry`: after a fix, re-applies the parked records of every live generation, cart by cart
 * in log order. Locking the generation rows FOR UPDATE holds the projectors' batches back for the
 * moment it takes, so no new event of a cart can slip in between its parked ones.
 */
export function retryDeadLetters(ds: DataSource, projection: ProjectionDefinition, options: { cartId?: string } = {}): Promise<RetryReport[]> {
  return ds.transaction(async (tx) => {
    const generations: { generation: number }[] = await tx.query(
      `SELECT generation FROM projection_generations WHERE projection = $1 AND state IN ('active', 'building') ORDER BY generation FOR UPDATE`, [projection.name]);
    const reports: RetryReport[] = [];
    for (const { generation } of generations) {
      const rows: Row[] = await tx.query(
        `SELECT * FROM dead_letters WHERE projection = $1 AND generation = $2 AND status = 'parked' AND ($3::text IS NULL OR cart_id = $3)
          ORDER BY partition, "offset", id`, [projection.name, generation, options.cartId ?? null]);
      const byCart = new Map<string, Row[]>();
      for (const row of rows) byCart.set(row.cart_id ?? `#${row.id}`, [...(byCart.get(row.cart_id ?? `#${row.id}`) ?? []), row]);
      let applied = 0;
      const stillParked: DeadLetterView[] = [];
      for (const cartRows of byCart.values()) {
        const result = await retryCart(tx, projection, generation, cartRows);
        applied += result.applied;
        stillParked.push(...result.left.map(view));
      }
      reports.push({ projection: projection.name, generation, applied, stillParked });
    }
    await tx.query(`SELECT pg_notify($1, $2)`, [READ_MODEL_CHANNEL, projection.name]);
    return reports;
  });
}
