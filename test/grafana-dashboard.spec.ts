import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..');

/** The metric names in the first column of docs/observability.md's metrics table (`process_*` and the like excluded). */
function documentedMetrics(): Map<string, string> {
  const doc = readFileSync(path.join(root, 'docs/observability.md'), 'utf8');
  const rows = doc.split('\n').filter((line) => /^\| `[a-z_:]+` \| \w+ \|/.test(line));
  return new Map(rows.map((row) => {
    const [, name, type] = /^\| `([a-z_:]+)` \| (\w+) \|/.exec(row) ?? [];
    return [name, type];
  }));
}

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'and', 'or', 'unless', 'le']);

/**
 * The metric names a PromQL expression reads: identifiers left once label matchers, strings,
 * ranges and `by (…)` lists are removed, that are not a function call or a keyword; a histogram's
 * `_bucket` / `_sum` / `_count` series name their histogram.
 */
export function metricsIn(expr: string, histograms: ReadonlySet<string>): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names = [...bare.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(\s*\()?/g)]
    .filter(([word, , call]) => !call && !PROMQL_WORDS.has(word) && !/^\d/.test(word))
    .map(([word]) => word);
  return names.map((name) => {
    const base = name.replace(/_(bucket|sum|count)$/, '');
    return base !== name && histograms.has(base) ? base : name;
  });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return entry === 'node_modules' ? [] : sourceFiles(full);
    return /\.ts$/.test(entry) && !/\.(spec|int-spec|e2e-spec|cluster-spec)\.ts$/.test(entry) ? [full] : [];
  });
}

describe('docs/grafana-dashboard.json', () => {
  const dashboard = JSON.parse(readFileSync(path.join(root, 'docs/grafana-dashboard.json'), 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[] };
  const documented = documentedMetrics();
  const histograms = new Set([...documented].filter(([, type]) => type === 'histogram').map(([name]) => name));

  it('reads the metric names of a PromQL expression', () => {
    expect(metricsIn('histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket{service="x", method="POST"}[5m])))', new Set(['http_request_duration_seconds'])))
      .toEqual(['http_request_duration_seconds']);
    expect(metricsIn('sum(rate(a_total[$__rate_interval])) / sum(b_count) unless max by (projection) (c) == 1', new Set())).toEqual(['a_total', 'b_count', 'c']);
  });

  it('has panels for commands/s, p99 latency, lag per projection, dead letters and rebuild progress', () => {
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)).join('\n');
    expect(exprs).toMatch(/rate\(commands_total/);
    expect(exprs).toMatch(/histogram_quantile\(0\.99, .*http_request_duration_seconds_bucket/);
    expect(exprs).toMatch(/by \(projection\) \(.*projection_lag_records/);
    expect(exprs).toMatch(/projection_dead_letters/);
    expect(exprs).toMatch(/projection_rebuild_progress_ratio/);
  });

  it('uses only metrics that docs/observability.md lists', () => {
    expect(documented.size).toBeGreaterThan(10);
    const unknown = dashboard.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => metricsIn(t.expr, histograms)
      .filter((name) => !documented.has(name)).map((name) => `${p.title}: ${name}`)));
    expect(unknown).toEqual([]);
  });

  it('lists only metrics the code registers', () => {
    const code = ['apps', 'libs'].flatMap((dir) => sourceFiles(path.join(root, dir))).map((file) => readFileSync(file, 'utf8')).join('\n');
    const registered = new Set([...code.matchAll(/\bname: '([a-z_:]+)'/g)].map((m) => m[1]));
    expect([...documented.keys()].filter((name) => !registered.has(name))).toEqual([]);
  });
});
