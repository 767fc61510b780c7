import type { EntityManager } from 'typeorm';
import { quoted } from '@carts/contracts';
import { VersionGapError } from '../projections/version-guard';
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

/** The reason stored for a record the projection threw on (a version gap is no projection bug: said as it is). */
export const projectionFailure = (error: Error | undefined): string =>
  (error instanceof VersionGapError ? error.message : `projection error: ${error?.message}`);

/**
 * The reason stored for a record of a type (or schema version) this projector does not know. The
 * command service gives such a record no version (a foreign record claiming a cart's next version
 * must not take it), so it is parked rather than skipped: `dlq retry` applies it once a projector
 * that knows the type runs, or an operator skips it.
 */
export const unknownTypeReason = (type: string, version: number): string =>
  `unknown event type ${quoted(type)} claiming version ${version}: not written by this version of the command service; not applied`;

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
