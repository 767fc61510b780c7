import { register } from 'prom-client';
import type { GenerationProgress, ProjectionStatus } from '@carts/read-model';
import { countRestart, sinkMetrics, trackProjections } from './projector-metrics';

const values = async (name: string) => (await register.getSingleMetric(name)?.get())?.values ?? [];

function status(name: string, state: ProjectionStatus['state'], over: Partial<ProjectionStatus> = {}): ProjectionStatus {
  const partitions = [{ partition: 0, nextOffset: 5, endOffset: 8, lag: 3 }, { partition: 1, nextOffset: 4, endOffset: 4, lag: 0 }];
  return { name, activeGeneration: 1, state, partitions, lag: 3, done: 9, total: 12, percent: 75, eventsApplied: 9, unknownSkipped: 0, parked: 2,
    lastEventAt: new Date(Date.now() - 4000).toISOString(), health: null, rebuild: null, ...over };
}

describe('projector metrics', () => {
  beforeEach(() => register.resetMetrics());

  it('reads lag, state, rebuild progress and parked dead letters from the status at scrape time', async () => {
    const rebuild = { ...status('b', 'rebuilding'), generation: 2, done: 30, total: 120, mode: 'blue-green', startedAt: '' } as GenerationProgress & { mode: 'blue-green'; startedAt: string };
    trackProjections(async () => [status('a', 'live'), status('b', 'rebuilding', { rebuild, lag: 0 }), status('c', 'failed')]);
    expect((await values('projection_lag_records')).filter((v) => v.labels.projection === 'a').map((v) => [v.labels.partition, v.value])).toEqual([['0', 3], ['1', 0]]);
    const lagSeconds = await values('projection_lag_seconds');
    expect(lagSeconds.find((v) => v.labels.projection === 'a')?.value).toBeGreaterThanOrEqual(4);
    expect(lagSeconds.find((v) => v.labels.projection === 'b')?.value).toBe(0); // caught up: no lag, however old its last event
    const on = (await values('projection_state')).filter((v) => v.value === 1).map((v) => `${v.labels.projection}:${v.labels.state}`);
    expect(on).toEqual(['a:live', 'b:rebuilding', 'c:stopped']);
    expect((await values('projection_rebuild_progress_ratio')).map((v) => [v.labels.projection, v.value])).toEqual([['b', 0.25]]);
    expect((await values('projection_dead_letters')).map((v) => v.value)).toEqual([2, 2, 2]);
  });

  it('serves no status series, rather than failing the scrape, when the status cannot be read', async () => {
    trackProjections(async () => { throw new Error('broker down'); });
    expect(await values('projection_state')).toEqual([]);
    expect(await register.metrics()).toContain('# TYPE projection_state gauge');
  });

  it('counts what a committed batch applied and parked, and restarts', async () => {
    const sink = sinkMetrics('cart-details');
    sink.batchWritten(3, { applied: 5, poison: 1, blocked: 2, seconds: 0.01 });
    countRestart('cart-details');
    expect((await values('projection_events_applied_total')).map((v) => [v.labels, v.value])).toEqual([[{ projection: 'cart-details', partition: '3' }, 5]]);
    expect((await values('projection_dead_letters_parked_total')).map((v) => [v.labels.kind, v.value])).toEqual([['poison', 1], ['blocked', 2]]);
    expect((await values('projection_restarts_total')).map((v) => v.value)).toEqual([1]);
  });
});
