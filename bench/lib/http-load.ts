import { fork } from 'node:child_process';
import * as path from 'node:path';
import { ownerAuthorizations } from './carts-api';

export interface LoadSpec {
  readonly url: string;
  readonly kind: 'add-item' | 'get-cart';
  readonly carts: readonly string[];
  readonly connections: number;
  readonly seconds: number;
  /** Filled in by runHttpLoad: each cart's owner's Authorization header. */
  readonly authorizations?: Record<string, string>;
}

export interface LoadResult {
  readonly seconds: number;
  readonly requests: number;
  /** 2xx responses, and 2xx per second. */
  readonly ok: number;
  readonly perSecond: number;
  /** Latency in ms (autocannon's histogram, 1 ms resolution). */
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly average: number;
  /** Connection errors + timeouts + non-2xx responses: must be 0. */
  readonly errors: number;
  readonly connectionErrors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly statuses: Record<string, number>;
  /** Cores the load generator itself used (it shares the machine with what it measures). */
  readonly generatorCores: number;
}

/** Runs autocannon in a separate process (bench/lib/load-worker) and returns its summary. */
export async function runHttpLoad(spec: LoadSpec): Promise<LoadResult> {
  const authorizations = await ownerAuthorizations(spec.carts);
  const child = fork(path.join(__dirname, 'load-worker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), (spec.seconds + 60) * 1000);
    child.once('message', (message: { result?: LoadResult; error?: string }) => {
      if (message.result) resolve(message.result);
      else reject(new Error(`load generator failed: ${message.error}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(killer);
      reject(new Error(`load generator exited (${code ?? signal}) without a result`));
    });
    child.send({ ...spec, authorizations });
  });
}
