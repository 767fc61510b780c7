import { Counter, Gauge, Histogram } from 'prom-client';
import type { CommandOutcome } from '@carts/contracts';
import type { WriterObserver } from '@carts/event-log';
import type { Unavailable } from '../gateway/command-gateway';

/**
 * The command service's domain metrics (prom-client's default registry, served at /metrics by
 * http-kit). Labels are bounded: command type, outcome, the stable rejection code, the partition
 * number. Never a cart, customer or correlation id.
 */
export const commandsTotal = new Counter({
  name: 'commands_total',
  help: 'Commands answered by the gateway, by command type, outcome and stable rejection code',
  labelNames: ['command', 'outcome', 'code'] as const,
});

const OUTCOMES: Record<Extract<CommandOutcome, { status: 'rejected' }>['kind'], string> = {
  rule_broken: 'rejected', not_found: 'not_found', version_conflict: 'version_conflict',
  idempotency_conflict: 'idempotency_conflict', expired: 'unavailable', invalid: 'invalid',
};

/** applied | rejected (a business rule, 409) | not_found | version_conflict (412) | idempotency_conflict (422) | unavailable (503) | invalid. */
export function countCommand(command: string, outcome: CommandOutcome | Unavailable): void {
  if (outcome.status === 'accepted') commandsTotal.inc({ command, outcome: 'applied', code: '' });
  else if (outcome.status === 'unavailable') commandsTotal.inc({ command, outcome: 'unavailable', code: '' });
  else commandsTotal.inc({ command, outcome: OUTCOMES[outcome.kind], code: outcome.code });
}

const invalidCommands = new Counter({
  name: 'writer_invalid_commands_total',
  help: 'Command records the writer refused before deciding them (nothing appended), by reason: unreadable (no reply possible), wrong_partition, invalid_fields',
  labelNames: ['reason'] as const,
});

/** A command record the gateway could not have written: a plain producer, or a bug. */
export function countInvalidCommand(reason: 'unreadable' | 'wrong_partition' | 'invalid_fields'): void {
  invalidCommands.inc({ reason });
}

const skippedEvents = new Counter({
  name: 'writer_restore_skipped_events_total',
  help: 'Event records a restore did not fold because they do not continue their cart, by reason: unreadable, unknown_type, not_next_version',
  labelNames: ['reason'] as const,
});

export function countSkippedEvents(reasons: readonly ('unreadable' | 'unknown_type' | 'not_next_version')[]): void {
  for (const reason of reasons) skippedEvents.inc({ reason });
}

const transactionDuration = new Histogram({
  name: 'writer_transaction_duration_seconds',
  help: 'Committed writer transactions (decide + append + commit), by partition',
  labelNames: ['partition'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});
const commandsPerTransaction = new Histogram({
  name: 'writer_transaction_commands',
  help: 'Commands decided in one committed writer transaction',
  buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
});
const transactionAborts = new Counter({
  name: 'writer_transaction_aborts_total',
  help: 'Writer transactions that failed and were aborted (the partition is released and re-acquired), by reason: fenced or error',
  labelNames: ['reason'] as const,
});
const fencings = new Counter({
  name: 'writer_fencings_total',
  help: 'Partitions taken over: the previous owner fenced (producer epoch bumped) before the restore',
});
const restoreDuration = new Histogram({
  name: 'writer_restore_duration_seconds',
  help: 'Partition restores at takeover, by source: standby (warm copy caught up) or log (read from offset 0)',
  labelNames: ['source'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
});

/** What PartitionWriter reports, recorded as metrics (libs/event-log knows nothing of prom-client). */
export const writerMetrics: WriterObserver = {
  transactionCommitted: (partition, seconds, commands) => {
    transactionDuration.observe({ partition: String(partition) }, seconds);
    commandsPerTransaction.observe(commands);
  },
  transactionAborted: (_partition, fenced) => transactionAborts.inc({ reason: fenced ? 'fenced' : 'error' }),
  fenced: () => fencings.inc(),
};

export function observeRestore(seconds: number, fromStandby: boolean): void {
  restoreDuration.observe({ source: fromStandby ? 'standby' : 'log' }, seconds);
}

let ownership = { owned: () => 0, standby: () => 0 };
new Gauge({ name: 'writer_partitions_owned', help: 'cart-commands partitions this instance owns (writes)', collect() { this.set(ownership.owned()); } });
new Gauge({ name: 'writer_partitions_standby', help: 'Partitions this instance keeps a warm standby copy of', collect() { this.set(ownership.standby()); } });

/** Where the ownership gauges read from, at scrape time. */
export function trackPartitions(owned: () => number, standby: () => number): void {
  ownership = { owned, standby };
}
