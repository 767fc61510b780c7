import type { EventEnvelope } from '@carts/contracts';

/**
 * The one rule that makes every projection idempotent: an event applies only if its cart version
 * is above the last version applied for that cart. A redelivered event (the same version or an
 * older one) changes nothing. Every projection's fold asks this, and projection-guards.spec.ts
 * proves it the same way for each of them.
 */
export const isNewer = (version: number, applied: number | undefined): boolean => version > (applied ?? 0);

/**
 * An event that is neither a redelivery nor its cart's next version: a forged or foreign record
 * (the command service writes versions 1..n per cart, and its restore gives such a record no
 * version, so the cart's real next event carries the number it claims to skip to).
 */
export class VersionGapError extends Error {
  constructor(readonly cartId: string, readonly version: number, readonly applied: number) {
    super(`version ${version} does not continue the cart's version ${applied}: not written by the command service (or a gap); not applied`);
    this.name = 'VersionGapError';
  }
}

/**
 * Defence in depth behind the Kafka ACLs: before a projection writes a batch, every event must be
 * a redelivery (at or below the version applied) or the next version of its cart (the version
 * applied, or the one before it in the batch, + 1). Throws VersionGapError on the first that is
 * not: the sink parks it, and the cart's later events behind it, so a forged version can never
 * move a read model past the events the command service really wrote. `baseline` is the version a
 * cart without a stored one is at for this projection (1 when it never sees `CartCreated`).
 */
export function assertContinuous(events: readonly EventEnvelope[], applied: ReadonlyMap<string, number>, baseline = 0): void {
  const last = new Map<string, number>();
  for (const e of events) {
    const at = last.get(e.cartId) ?? applied.get(e.cartId) ?? baseline;
    if (e.version <= at) continue;
    if (e.version !== at + 1) throw new VersionGapError(e.cartId, e.version, at);
    last.set(e.cartId, e.version);
  }
}
