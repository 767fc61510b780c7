/**
 * Database errors that say nothing about the request or the events being applied, by SQLSTATE
 * (PostgreSQL's table) or, for errors raised before the server answered, by Node's errno and
 * node-postgres' messages.
 */
type ErrorLike = { code?: unknown; message?: unknown; driverError?: { code?: unknown; message?: unknown } } | null | undefined;

/**
 * The server is gone, refusing, starting up or shutting down, or the statement ran out of time:
 * 08 connection exception, 57P01-57P03 shutdown / cannot connect now, 57014 statement timeout,
 * 53 insufficient resources (too many connections), 25P03 idle-in-transaction timeout (the session ended).
 */
const UNAVAILABLE_SQLSTATES = /^(08...|57P0[123]|57014|53...|25P03)$/;
/** Failed before (or instead of) a server answer: no SQLSTATE. */
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** node-postgres' own words for a lost or never-made connection (pool connect timeout included). */
const UNAVAILABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|connection timeout|Client has encountered a connection error|ECONNRESET|ECONNREFUSED/i;

function codeOf(e: ErrorLike): string | undefined {
  if (typeof e?.code === 'string') return e.code;
  return typeof e?.driverError?.code === 'string' ? e.driverError.code : undefined;
}

/**
 * Why the database cannot serve now (`database unavailable: …`), or null for any other error. The
 * query service answers such errors with 503 and Retry-After; the projector waits and applies the
 * same batch again. The text is the driver's, which never holds the connection URL or a password.
 */
export function databaseUnavailableReason(error: unknown): string | null {
  const e = error as ErrorLike;
  const code = codeOf(e);
  const unavailable = code !== undefined
    ? UNAVAILABLE_SQLSTATES.test(code) || UNAVAILABLE_ERRNOS.has(code)
    : typeof e?.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message);
  if (!unavailable) return null;
  const message = typeof e?.message === 'string' && e.message ? e.message : String(error);
  return `database unavailable: ${message}${code && !message.includes(code) ? ` (${code})` : ''}`;
}

export const isDatabaseUnavailable = (error: unknown): boolean => databaseUnavailableReason(error) !== null;

/**
 * Retry the whole batch rather than park anything: the database is unavailable (above), or the
 * transaction lost a race (40: serialization failure, deadlock; 55P03: lock not available), or
 * an operator intervened (57).
 */
export function isTransientDatabaseError(error: unknown): boolean {
  if (isDatabaseUnavailable(error)) return true;
  // TypeORM's word for the next statement of a transaction whose connection was just lost
  // (a server shutting down terminates it mid-batch): seen in the database-outage e2e spec.
  if ((error as Error | null)?.name === 'QueryRunnerProviderAlreadyReleasedError') return true;
  const code = codeOf(error as ErrorLike);
  return code !== undefined && (code === '55P03' || ['40', '57'].includes(code.slice(0, 2)));
}
