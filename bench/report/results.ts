import type { Machine } from '../lib/machine';
import type { Part, Sizes } from '../lib/options';
import type { BaselineResults } from '../parts/baselines';
import type { CommandResults } from '../parts/commands';
import type { FailoverResults } from '../parts/failover';
import type { LagResults } from '../parts/lag-probe';
import type { PeerResults } from '../parts/peer';
import type { ObservabilityResults } from '../parts/observability';
import type { QueryResults } from '../parts/queries';
import type { RebuildResults } from '../parts/rebuild';

/** Everything one run measured: written as bench/results/<timestamp>.json. */
export interface BenchResults {
  readonly run: string;
  readonly startedAt: string;
  finishedAt?: string;
  readonly mode: 'quick' | 'full';
  readonly command: string;
  readonly parts: readonly Part[];
  readonly sizes: Sizes;
  readonly machine: Machine;
  /** The commit measured, and the source files that differed from it (the build takes the working tree). */
  readonly code: { readonly commit: string; readonly uncommitted: readonly string[] };
  baselines?: BaselineResults;
  commands?: CommandResults;
  lag?: LagResults;
  /** The same AddItem load on a peer (Emmett on PostgreSQL), right after ours. */
  peer?: PeerResults;
  observability?: ObservabilityResults;
  queries?: QueryResults;
  rebuild?: RebuildResults;
  failover?: FailoverResults;
  /** Parts that failed, with the error: the run goes on with the others. */
  failures: { part: Part; error: string }[];
}

export interface Row {
  readonly part: string;
  readonly metric: string;
  readonly value: string;
  readonly target: string;
  readonly baseline: string;
  /** null: no target for this line. */
  readonly met: boolean | null;
}
