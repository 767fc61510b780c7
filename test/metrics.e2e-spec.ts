import { as, http, isolatedEnv, ServiceProcess, waitFor, type IsolatedEnv } from '@carts/testing';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const parsePrometheus = require('parse-prometheus-text-format') as (text: string) => MetricFamily[];

interface Sample { readonly value?: string; readonly count?: string; readonly labels?: Record<string, string>; readonly buckets?: Record<string, string> }
interface MetricFamily { readonly name: string; readonly help: string; readonly type: string; readonly metrics: Sample[] }

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/**
 * Every service serves Prometheus text at /metrics: parsed here with a real parser (not a regex),
 * with Node's process metrics, the HTTP RED histogram by route template, Prometheus naming
 * conventions, and never an id as a label value.
 */
describe('GET /metrics on every service', () => {
  let env: IsolatedEnv;
  let services: ServiceProcess[] = [];

  beforeAll(async () => {
    env = await isolatedEnv('metrics');
    services = await ServiceProcess.all([
      ServiceProcess.start('command-service', env.env), ServiceProcess.start('projector', env.env), ServiceProcess.start('query-service', env.env),
    ]);
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await env?.dispose();
  });

  const scrape = async (service: ServiceProcess): Promise<MetricFamily[]> => {
    const response = await fetch(`${service.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheus(await response.text());
  };
  const family = (families: MetricFamily[], name: string) => families.find((f) => f.name === name);
  /**
   * The `<name>_count` series of a labelled histogram. The parser above reads histogram families
   * but folds their series into one (it assumes an unlabelled histogram), so the counts are read
   * from the exposition lines: `name{label="value",…} number`.
   */
  const histogramCounts = async (service: ServiceProcess, name: string): Promise<{ labels: Record<string, string>; count: number }[]> => {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    return text.split('\n').filter((line) => line.startsWith(`${name}_count{`)).map((line) => {
      const [, body, value] = /^[^{]+\{(.*)\} (\S+)$/.exec(line) ?? [];
      return { labels: Object.fromEntries([...body.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]])), count: Number(value) };
    });
  };

  it('serves process metrics and well-formed, bounded series on all three', async () => {
    for (const [service, name] of services.map((s, i) => [s, ['command-service', 'projector', 'query-service'][i]] as const)) {
      const families = await scrape(service);
      for (const f of families) {
        expect(f.name).toMatch(/^[a-z_:][a-z0-9_:]*$/);
        expect(f.help.length).toBeGreaterThan(0);
        if (f.type === 'COUNTER') expect(f.name).toMatch(/_total$/);
        for (const sample of f.metrics) {
          expect(sample.labels?.service ?? name).toBe(name);
          for (const value of Object.values(sample.labels ?? {})) expect(value).not.toMatch(UUID);
        }
      }
      expect(family(families, 'process_cpu_user_seconds_total')?.type).toBe('COUNTER');
      expect(family(families, 'nodejs_heap_size_used_bytes')?.type).toBe('GAUGE');
    }
  });

  it('times every request by route template and status code', async () => {
    const [command, , query] = services;
    const created = await http<{ cartId: string }>('POST', `${command.url}/carts`, { customerId: 'metrics-1' }, await as.customer('metrics-1'));
    expect(created.status).toBe(201);
    expect((await http('POST', `${command.url}/carts/${created.body.cartId}/items`, { sku: 'x' }, await as.customer('metrics-1'))).status).toBe(400);
    await waitFor(async () => http('GET', `${query.url}/carts/${created.body.cartId}?minVersion=1`, undefined, await as.customer('metrics-1')), (r) => r.status === 200, { what: 'the cart in the read model' });

    expect(family(await scrape(command), 'http_request_duration_seconds')?.type).toBe('HISTOGRAM');
    const writes = await histogramCounts(command, 'http_request_duration_seconds');
    const count = (series: typeof writes, method: string, route: string, status: string) =>
      series.find((s) => s.labels.method === method && s.labels.route === route && s.labels.status_code === status)?.count ?? 0;
    expect(count(writes, 'POST', '/carts', '201')).toBeGreaterThanOrEqual(1);
    expect(count(writes, 'POST', '/carts/:cartId/items', '400')).toBeGreaterThanOrEqual(1);
    expect(writes.every((s) => s.labels.service === 'command-service')).toBe(true);
    const reads = await histogramCounts(query, 'http_request_duration_seconds');
    expect(count(reads, 'GET', '/carts/:cartId', '200')).toBeGreaterThanOrEqual(1);
  });
});
