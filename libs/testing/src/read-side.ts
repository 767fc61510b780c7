import type { EventEnvelope } from '@carts/contracts';
import { http, type HttpResult } from './http';
import { as } from './tokens';
import { isolatedEnv, type IsolatedEnv } from './isolated-env';
import { ServiceProcess } from './service-process';

/** The read side over HTTP on a suite's own stack: a projector and a query service. */
export interface ReadSide {
  readonly stack: IsolatedEnv;
  readonly projector: ServiceProcess;
  readonly query: ServiceProcess;
  get<T = Record<string, unknown>>(path: string, headers?: Record<string, string>): Promise<HttpResult<T>>;
  close(): Promise<void>;
}

/** Starts both services, appends `events` to the log and waits until every projection has read them. */
export async function startReadSide(name: string, events: readonly EventEnvelope[]): Promise<ReadSide> {
  const stack = await isolatedEnv(name, { PROJECTOR_SESSION_TIMEOUT_MS: '3000' });
  const [projector, query] = await ServiceProcess.all([ServiceProcess.start('projector', stack.env), ServiceProcess.start('query-service', stack.env)]);
  await stack.appendEvents(events);
  await stack.caughtUp();
  return {
    stack, projector, query,
    // As an operator (who may read every cart and list): an explicit authorization header wins.
    get: async (path, headers = {}) => http('GET', `${query.url}${path}`, undefined, { ...(await as.operator()), ...headers }),
    async close() {
      await Promise.all([projector.stop(), query.stop()]);
      await stack.dispose();
    },
  };
}
