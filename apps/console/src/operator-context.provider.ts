import { Logger, type Provider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@carts/config';
import { OperatorContext, type Output, type ProgressSink } from '@carts/operations';

export const OPERATOR_CONTEXT = Symbol('OPERATOR_CONTEXT');

/** Progress of a server-side run, kept for the page (which reads rates from the database instead: see ProjectionBoard). */
export class RecordedProgress implements ProgressSink {
  done = 0;
  total = 0;
  private readonly started = Date.now();

  update(done: number, total: number): void {
    this.done = done;
    this.total = total;
  }

  finish(done: number, total: number): void {
    this.update(done, total);
  }

  averageRate(done: number): number {
    const seconds = (Date.now() - this.started) / 1000;
    return seconds > 0 ? done / seconds : 0;
  }
}

/** An operator action's narration: the console's log, and `lines` for the page. */
export function loggedOutput(logger: Logger, lines: string[] = []): Output {
  return {
    line: (text = '') => {
      lines.push(text);
      logger.log(text);
    },
    note: (text) => {
      lines.push(text);
      logger.warn(text);
    },
    progress: () => new RecordedProgress(),
  };
}

/** The console's own context for reads (status, dead letters, history); a rebuild gets one of its own. */
export const operatorContextProvider: Provider = {
  provide: OPERATOR_CONTEXT,
  inject: [APP_CONFIG],
  // Pages poll it (status and dead letters at once), retries hold a transaction: DATABASE_POOL_SIZE connections.
  useFactory: (config: AppConfig) => new OperatorContext(config, loggedOutput(new Logger('Console')), 'console', config.database.poolSize),
};
