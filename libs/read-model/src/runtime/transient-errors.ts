/**
 * Database errors that say nothing about the events being applied: retry the whole batch rather
 * than park anything. Classes per PostgreSQL's SQLSTATE table: 08 connection, 40 transaction
 * rollback (serialization failure, deadlock), 53 insufficient resources, 57 operator intervention,
 * 55P03 lock not available.
 */
const TRANSIENT_CLASSES = ['08', '40', '53', '57'];

export function isTransientDatabaseError(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown; driverError?: { code?: unknown } } | null;
  const code = typeof e?.code === 'string' ? e.code : typeof e?.driverError?.code === 'string' ? e.driverError.code : undefined;
  if (code === undefined) {
    // node-postgres reports a dropped connection without a SQLSTATE.
    return typeof e?.message === 'string' && /Connection terminated|ECONNRESET|ECONNREFUSED|connection timeout/i.test(e.message);
  }
  return code === '55P03' || TRANSIENT_CLASSES.includes(code.slice(0, 2));
}
