import { Counter, Gauge, Histogram } from 'prom-client';

/**
 * Read-your-writes (`minVersion`) waits. `outcome`: immediate (the version was already there),
 * arrived (it came while waiting), timed_out (the wait ran out; the caller gets what there is),
 * capped (too many waits, globally or by this caller: answered at once without waiting).
 */
export type WaitOutcome = 'immediate' | 'arrived' | 'timed_out' | 'capped';

const waits = new Counter({
  name: 'read_your_writes_waits_total',
  help: 'Reads asking for a minimum cart version, by outcome: immediate, arrived, timed_out, capped',
  labelNames: ['outcome'] as const,
});
const waited = new Histogram({
  name: 'read_your_writes_wait_duration_seconds',
  help: 'Time a read waited for its minimum version (arrived or timed_out), by outcome',
  labelNames: ['outcome'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

export function countWait(outcome: WaitOutcome, seconds?: number): void {
  waits.inc({ outcome });
  if (seconds !== undefined) waited.observe({ outcome }, seconds);
}

let waiting = () => 0;
new Gauge({ name: 'read_your_writes_waiting', help: 'Reads waiting for a minimum cart version right now', collect() { this.set(waiting()); } });

/** Where the waiting gauge reads from, at scrape time. */
export function trackWaiting(count: () => number): void {
  waiting = count;
}
