import type { BenchEnv } from './bench-env';
import type { BenchOptions } from './options';
import type { Stack } from './stack';
import type { BaselineResults } from '../parts/baselines';
import type { LoadedLog } from './log-loader';

/** What the parts of one run share: the infrastructure, the services, and data made by earlier parts. */
export interface BenchContext {
  readonly env: BenchEnv;
  readonly options: BenchOptions;
  readonly stack: Stack;
  readonly log: (line: string) => void;
  baselines?: BaselineResults;
  /** Carts created through the command service (the command and query loads use them). */
  carts?: string[];
  /** Carts only the lag probe writes to. */
  probeCarts?: string[];
  /** cart-events filled for the rebuild and failover parts. */
  eventLog?: LoadedLog;
}
