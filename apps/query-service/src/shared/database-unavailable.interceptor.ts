import { Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { catchError, throwError, type Observable } from 'rxjs';
import { unavailableProblem } from '@carts/http';
import { databaseUnavailableReason } from '@carts/read-model';

/** Seconds a client is asked to wait: the pool's connect timeout is 2 s by default, a restart takes seconds. */
export const DATABASE_RETRY_AFTER_S = 2;
/** At most one log line per this interval while the database is unavailable, with how many requests it refused. */
const LOG_EVERY_MS = 10_000;

/**
 * A read that failed because the database is unavailable (stopped, refusing, starting up, a
 * statement timeout) is the service's condition, not the request's fault: 503 problem+json with
 * Retry-After and the stable code DATABASE_UNAVAILABLE, never a 500 with a stack. Every other
 * error goes on to the problem filter unchanged.
 */
@Injectable()
export class DatabaseUnavailableInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Database');
  private loggedAt = 0;
  private refused = 0;

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(catchError((error: unknown) => throwError(() => this.translate(error))));
  }

  private translate(error: unknown): unknown {
    const reason = databaseUnavailableReason(error);
    if (reason === null) return error;
    this.report(reason);
    return unavailableProblem(`The read models cannot be read right now (the database is unavailable); retry after ${DATABASE_RETRY_AFTER_S} s`,
      DATABASE_RETRY_AFTER_S, { code: 'DATABASE_UNAVAILABLE' });
  }

  private report(reason: string): void {
    this.refused++;
    if (Date.now() - this.loggedAt < LOG_EVERY_MS) return;
    this.logger.warn(`${reason}; answering 503 (${this.refused} request(s) refused since the last line)`);
    this.loggedAt = Date.now();
    this.refused = 0;
  }
}
