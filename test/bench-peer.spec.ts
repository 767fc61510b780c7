import { parseOptions } from '../bench/lib/options';
import { cpuPerCommand, OUR_GROUPS, PEER_GROUPS } from '../bench/parts/peer';
import type { BenchResults } from '../bench/report/results';
import { summaryRows } from '../bench/report/rows';

describe('the bench compares with its peer', () => {
  it('is a part of its own, run after ours in a full run', () => {
    const { parts } = parseOptions([]);
    expect(parts.indexOf('peer')).toBeGreaterThan(parts.indexOf('commands'));
    expect(parseOptions(['peer', '--quick']).parts).toEqual(['peer']);
  });

  it('counts CPU per command for the service only: not the load generator, the bench, other databases or other people', () => {
    const cpu = { 'emmett peer': 0.5, postgres: 0.7, 'load generator': 0.1, 'bench probes': 0.05, 'other processes': 0.3, 'postgres (other databases)': 0.2, 'postgres (background)': 0.1 };
    expect(cpuPerCommand(cpu, 500, OUR_GROUPS)).toEqual({ 'emmett peer': 1, postgres: 1.4, 'postgres (background)': 0.2, total: 2.6 });
    expect(cpuPerCommand(cpu, 0, OUR_GROUPS)).toEqual({});
    // During the peer's load our broker and services idle on: their CPU is not the peer's.
    const ours = { 'command-service': 0.4, 'kafka broker': 0.5, projector: 0.2, postgres: 0.3 };
    expect(cpuPerCommand(ours, 500, OUR_GROUPS)).toEqual({ 'command-service': 0.8, 'kafka broker': 1, projector: 0.4, postgres: 0.6, total: 2.8 });
    expect(cpuPerCommand({ ...cpu, 'kafka broker': 0.05, projector: 0.02 }, 500, PEER_GROUPS)).toEqual({ 'emmett peer': 1, postgres: 1.4, 'postgres (background)': 0.2, total: 2.6 });
  });

  it('prints the peer beside ours with ours ÷ peer', () => {
    const ours = { perSecond: 800, p50: 70, p99: 200, p999: 230, errors: 0, requests: 24_000, connections: 64, carts: 10_000, cpu: { 'command-service': 0.4 }, generatorCores: 0.05, pgCommitsPerSecond: 250 };
    const results = {
      commands: ours,
      peer: {
        peer: 'Emmett 0.42.0 + emmett-postgresql (inline Pongo projection)',
        load: { perSecond: 400, p50: 150, p99: 260, p999: 300, errors: 2, requests: 12_000, connections: 64, carts: 10_000, cpu: { 'emmett peer': 0.6 }, generatorCores: 0.05, pgCommitsPerSecond: 410 },
        cpuPerCommandMs: { ours: { 'command-service': 0.5, total: 2 }, peer: { 'emmett peer': 1.5, total: 3 } },
        oursToPeer: { throughput: 2, p50: 0.47, p99: 0.77, cpuPerCommand: 0.67 },
      },
    } as unknown as BenchResults;
    const rows = summaryRows(results).filter((r) => r.part === 'peer');
    expect(rows.map((r) => [r.value, r.baseline])).toEqual([
      ['400 req/s', 'ours ÷ peer 2.00×'],
      ['150 / 260 / 300 ms', 'ours ÷ peer p50 0.47×, p99 0.77×'],
      ['2 of 12,000', ''],
      ['', 'ours ÷ peer 0.67×'],
      ['', ''],
    ]);
    expect(rows[2].met).toBe(false);
    expect(rows[3].metric).toContain('2.00 ms (command-service 0.50)');
    expect(rows[4].metric).toContain('3.00 ms (emmett peer 1.50)');
  });
});
