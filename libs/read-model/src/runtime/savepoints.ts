import type { EntityManager } from 'typeorm';
import { isTransientDatabaseError } from './transient-errors';

export type SavepointOutcome = { readonly ok: true } | { readonly ok: false; readonly error: Error };

/**
 * Runs `work` inside a savepoint of the caller's transaction. If the projection throws, only its
 * writes are undone and the error comes back, so the caller can park the event and go on with the
 * others. A transient database error (deadlock, lost connection) is not the event's fault: it fails
 * the whole transaction, and the batch is read again.
 */
export async function inSavepoint(tx: EntityManager, work: () => Promise<void>): Promise<SavepointOutcome> {
  await tx.query('SAVEPOINT apply_events');
  try {
    await work();
    await tx.query('RELEASE SAVEPOINT apply_events');
    return { ok: true };
  } catch (error) {
    if (isTransientDatabaseError(error)) throw error;
    await tx.query('ROLLBACK TO SAVEPOINT apply_events');
    return { ok: false, error: error as Error };
  }
}

/** The reason stored for a record parked behind an earlier one of its cart. */
export const BLOCKED_REASON = 'an earlier event of this cart is parked';

/** The reason stored for a record the projection threw on. */
export const projectionFailure = (error: Error | undefined): string => `projection error: ${error?.message}`;

/** Where a cart's records stopped applying: the first that failed (poison), and why; the later ones park behind it. */
export interface Stopped {
  readonly at: number;
  readonly reason: string;
}

/**
 * One cart's records in log order, each tried alone, up to the first that fails: a cart's order
 * must hold, so nothing after a poison record is applied (the projectors park it behind; `dlq
 * retry` leaves it parked). `tryOne` runs the projection through `inSavepoint`.
 */
export async function applyInCartOrder<T>(records: readonly T[], tryOne: (record: T) => Promise<{ ok: true } | { ok: false; reason: string }>): Promise<Stopped | null> {
  for (let at = 0; at < records.length; at++) {
    const outcome = await tryOne(records[at]);
    if (!outcome.ok) return { at, reason: outcome.reason };
  }
  return null;
}
