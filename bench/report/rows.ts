import { thousands } from '../lib/stats';
import type { BenchResults, Row } from './results';

const ms = (n: number | null | undefined) => (n === null || n === undefined || Number.isNaN(n) ? '–' : `${n} ms`);
const s = (n: number) => `${(n / 1000).toFixed(1)} s`;
const ratio = (r: number | null | undefined, what: string) => (r === null || r === undefined ? '' : `${r.toFixed(2)}× ${what}`);
const cores = (cpu: Record<string, number>) => Object.entries(cpu).filter(([, c]) => c >= 0.05).map(([g, c]) => `${g} ${c.toFixed(2)}`).join(', ');
const row = (part: string, metric: string, value: string, target = '', met: boolean | null = null, baseline = ''): Row => ({ part, metric, value, target, baseline, met });

function baselineRows(r: BenchResults): Row[] {
  const b = r.baselines;
  if (!b) return [];
  return [
    row('baselines', `raw kafkajs producer (acks=all, idempotent, ${b.eventBytes} B events)`, `${thousands(b.producer.perSecond)} msg/s`),
    row('baselines', 'raw kafkajs consumer', `${thousands(b.consumer.perSecond)} msg/s`),
    row('baselines', `raw PostgreSQL upsert (unnest, ${thousands(b.upsert.batch)}/tx)`, `${thousands(b.upsert.perSecond)} rows/s`),
  ];
}

function loadRows(r: BenchResults): Row[] {
  const rows: Row[] = [];
  const c = r.commands;
  if (c) {
    rows.push(row('commands', `AddItem, ${c.connections} connections, ${thousands(c.carts)} carts`, `${thousands(c.perSecond)} req/s`, '≥ 5,000/s', c.perSecond >= 5000, ratio(c.ratioToProducer, 'raw producer')));
    rows.push(row('commands', 'latency p50 / p99 / p99.9', `${c.p50} / ${c.p99} / ${c.p999} ms`, 'p99 ≤ 50 ms', c.p99 <= 50));
    rows.push(row('commands', 'errors (non-2xx, connection, timeouts)', `${thousands(c.errors)} of ${thousands(c.requests)}`, '0', c.errors === 0));
    rows.push(row('commands', `CPU (cores) during the load: ${cores(c.cpu)}, load generator ${c.generatorCores.toFixed(2)}; PostgreSQL ${thousands(c.pgCommitsPerSecond)} commits/s`, ''));
  }
  const l = r.lag;
  if (l) rows.push(row('lag', `2xx → visible in the query service (${l.mode}, ${thousands(l.samples)} samples)`, `p50 ${ms(l.p50)} / p99 ${ms(l.p99)}`, 'p99 ≤ 100 ms', l.samples > 0 && l.p99 <= 100));
  const q = r.queries;
  if (q) {
    rows.push(row('queries', `GET /carts/:id, ${q.connections} connections`, `${thousands(q.perSecond)} req/s`, '≥ 10,000/s', q.perSecond >= 10_000));
    rows.push(row('queries', 'latency p50 / p99; errors', `${q.p50} / ${q.p99} ms; ${q.errors}`, 'p99 ≤ 10 ms', q.p99 <= 10 && q.errors === 0));
    rows.push(row('queries', `CPU (cores) during the load: ${cores(q.cpu)}, load generator ${q.generatorCores.toFixed(2)}`, ''));
  }
  return rows;
}

const perCommand = (ms: Record<string, number>) => `${(ms.total ?? 0).toFixed(2)} ms (${Object.entries(ms).filter(([g, v]) => g !== 'total' && v >= 0.01).map(([g, v]) => `${g} ${v.toFixed(2)}`).join(', ')})`;
const times = (r: number) => (Number.isNaN(r) ? '–' : `${r.toFixed(2)}×`);

/** The peer beside ours, from the same run: the last column is ours ÷ peer. */
function peerRows(r: BenchResults): Row[] {
  const p = r.peer;
  const c = r.commands;
  if (!p || !c) return [];
  const l = p.load;
  return [
    row('peer', `AddItem on ${p.peer}, ${l.connections} connections, ${thousands(l.carts)} carts; ours ${thousands(c.perSecond)} req/s`, `${thousands(l.perSecond)} req/s`, '', null, `ours ÷ peer ${times(p.oursToPeer.throughput)}`),
    row('peer', `latency p50 / p99 / p99.9; ours ${c.p50} / ${c.p99} / ${c.p999} ms`, `${l.p50} / ${l.p99} / ${l.p999} ms`, '', null, `ours ÷ peer p50 ${times(p.oursToPeer.p50)}, p99 ${times(p.oursToPeer.p99)}`),
    row('peer', `errors (non-2xx, connection, timeouts); ours ${thousands(c.errors)} of ${thousands(c.requests)}`, `${thousands(l.errors)} of ${thousands(l.requests)}`, '0', l.errors === 0),
    row('peer', `CPU per command, ours: ${perCommand(p.cpuPerCommandMs.ours)}`, '', '', null, `ours ÷ peer ${times(p.oursToPeer.cpuPerCommand)}`),
    row('peer', `CPU per command, peer: ${perCommand(p.cpuPerCommandMs.peer)}; cores: ${cores(l.cpu)}, load generator ${l.generatorCores.toFixed(2)}; PostgreSQL ${thousands(l.pgCommitsPerSecond)} commits/s`, ''),
  ];
}

/** Each setting against tracing off and unscraped, from the same run (the first of the four). */
function observabilityRows(r: BenchResults): Row[] {
  const o = r.observability;
  const plain = o?.runs.find((x) => !x.tracing && !x.scraped);
  if (!o || !plain) return [];
  return o.runs.map((x) => {
    const extra = [x.spansPerSecond !== null ? `${thousands(x.spansPerSecond)} spans/s exported` : '', x.scrapesPerSecond !== null ? `${x.scrapesPerSecond} scrapes/s of ${thousands(x.scrapeBytes ?? 0)} B` : ''].filter(Boolean).join(', ');
    const vs = x === plain ? 'reference' : `${(x.perSecond / Math.max(1, plain.perSecond)).toFixed(2)}× req/s, ${(x.cpuMsPerCommand / Math.max(0.001, plain.cpuMsPerCommand)).toFixed(2)}× CPU per command`;
    return row('observability', `${x.label}: AddItem ${o.connections} conns ${o.seconds} s; p50 / p99 ${x.p50} / ${x.p99} ms; services ${x.serviceCores.toFixed(2)} cores = ${x.cpuMsPerCommand} CPU-ms per command; errors ${x.errors}${extra ? `; ${extra}` : ''}`,
      `${thousands(x.perSecond)} req/s`, '', null, vs);
  });
}

function rebuildRows(r: BenchResults): Row[] {
  const rb = r.rebuild;
  if (!rb) return [];
  const rows = rb.projections.map((p) => row('rebuild', `${p.projection}: ${thousands(p.events)} events in ${s(p.fillMs)} (wall ${s(p.wallMs)})`,
    `${thousands(p.perSecond)} ev/s`, '≥ 50,000/s and ≥ 0.5× raw', p.perSecond >= 50_000 && (p.ratioToConsumer ?? 0) >= 0.5, ratio(p.ratioToConsumer, 'raw consumer')));
  const peak = Math.max(0, ...rb.projections.map((p) => p.peakRssMb));
  rows.push(...rb.projections.map((p) => row('rebuild', `${p.projection} CPU (cores): ${cores(p.cpu)}`, '')));
  rows.push(row('rebuild', 'projector peak RSS during the rebuilds', `${peak} MB`, '≤ 300 MB', peak <= 300));
  return rows;
}

function failoverRows(r: BenchResults): Row[] {
  const f = r.failover;
  if (!f) return [];
  const restore = (t: { restoreMs: number[]; restoredEvents: number }) => (t.restoreMs.length ? `restore ${t.restoreMs.join(' / ')} ms (${thousands(t.restoredEvents)} events)` : '');
  return [
    row('failover', `kill -9: partitions [${f.crash.partitions}] answer on the survivor (session timeout ${s(f.sessionTimeoutMs)}); ${restore(f.crash)}`, s(f.crash.allPartitionsMs), '≤ 2 s', f.crash.allPartitionsMs <= 2000),
    row('failover', `SIGTERM (no failure detection; old owner gone after ${s(f.planned.exitMs)}): partitions [${f.planned.partitions}]; ${restore(f.planned)}`, s(f.planned.allPartitionsMs), '≤ 2 s', f.planned.allPartitionsMs <= 2000),
  ];
}

export function summaryRows(r: BenchResults): Row[] {
  return [...baselineRows(r), ...loadRows(r), ...peerRows(r), ...observabilityRows(r), ...rebuildRows(r), ...failoverRows(r)];
}
