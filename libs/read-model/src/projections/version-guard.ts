/**
 * The one rule that makes every projection idempotent: an event applies only if its cart version
 * is above the last version applied for that cart. A redelivered event (the same version or an
 * older one) changes nothing; a gap (a version never seen, e.g. a record an operator skipped) still
 * applies, because the log is the truth. Every projection's fold asks this, and
 * projection-guards.spec.ts proves it the same way for each of them.
 */
export const isNewer = (version: number, applied: number | undefined): boolean => version > (applied ?? 0);
