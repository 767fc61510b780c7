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
  /** The samples of a counter or gauge family, with their labels (the parser reads those correctly). */
  const samples = (families: MetricFamily[], name: string) => (family(families, name)?.metrics ?? []).map((m) => ({ labels: m.labels ?? {}, value: Number(m.value) }));
  const total = (series: { labels: Record<string, string>; value: number }[], where: Record<string, string>) =>
    series.filter((s) => Object.entries(where).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);

  it('counts command outcomes, writer transactions, projections and read-your-writes waits, with bounded labels', async () => {
    const [command, projector, query] = services;
    const customer = await as.customer('metrics-2');
    const created = await http<{ cartId: string; version: number }>('POST', `${command.url}/carts`, { customerId: 'metrics-2' }, customer);
    const cart = `${command.url}/carts/${created.body.cartId}`;
    expect((await http('POST', `${cart}/checkout`, undefined, customer)).status).toBe(409); // CART_EMPTY
    const item = { sku: 'mug', name: 'Mug', quantity: 1, unitPrice: 1250, currency: 'EUR' };
    const added = await http<{ version: number }>('POST', `${cart}/items`, item, customer);
    expect(added.status).toBe(200);
    expect((await http('POST', `${cart}/items`, item, { ...customer, 'if-match': '"99"' })).status).toBe(412);
    expect((await http('POST', `${command.url}/carts/00000000-0000-4000-8000-000000000000/items`, item, customer)).status).toBe(404);
    const read = await http<{ version: number }>('GET', `${query.url}/carts/${created.body.cartId}?minVersion=${added.body.version}&waitMs=5000`, undefined, customer);
    expect(read.status).toBe(200);
    expect(read.body.version).toBeGreaterThanOrEqual(added.body.version);

    const writes = await scrape(command);
    expect(family(writes, 'commands_total')?.type).toBe('COUNTER');
    const commands = samples(writes, 'commands_total');
    expect(total(commands, { command: 'AddItem', outcome: 'applied' })).toBeGreaterThanOrEqual(1);
    expect(total(commands, { command: 'CreateCart', outcome: 'applied' })).toBeGreaterThanOrEqual(1);
    expect(total(commands, { command: 'Checkout', outcome: 'rejected', code: 'CART_EMPTY' })).toBeGreaterThanOrEqual(1);
    expect(total(commands, { command: 'AddItem', outcome: 'version_conflict' })).toBeGreaterThanOrEqual(1);
    expect(total(commands, { command: 'AddItem', outcome: 'not_found', code: 'CART_NOT_FOUND' })).toBeGreaterThanOrEqual(1);
    expect(family(writes, 'writer_transaction_duration_seconds')?.type).toBe('HISTOGRAM');
    const transactions = await histogramCounts(command, 'writer_transaction_duration_seconds');
    expect(transactions.reduce((sum, s) => sum + s.count, 0)).toBeGreaterThanOrEqual(4);
    expect(transactions.every((s) => /^\d+$/.test(s.labels.partition))).toBe(true);
    expect((await histogramCounts(command, 'writer_transaction_commands')).reduce((sum, s) => sum + s.count, 0)).toBeGreaterThanOrEqual(1);
    expect((await histogramCounts(command, 'writer_restore_duration_seconds')).reduce((sum, s) => sum + s.count, 0)).toBeGreaterThanOrEqual(1);
    expect(family(writes, 'writer_transaction_aborts_total')?.type).toBe('COUNTER');
    expect(total(samples(writes, 'writer_fencings_total'), {})).toBeGreaterThanOrEqual(1);
    expect(total(samples(writes, 'writer_partitions_owned'), {})).toBeGreaterThanOrEqual(1);
    expect(family(writes, 'writer_partitions_standby')?.type).toBe('GAUGE');

    // The projector counts what it applied; where each projection stands is read at scrape time.
    const projections = await waitFor(async () => scrape(projector),
      (f) => total(samples(f, 'projection_events_applied_total'), { projection: 'cart-details' }) >= 2, { what: 'cart-details events counted' });
    expect(family(projections, 'projection_events_applied_total')?.type).toBe('COUNTER');
    expect(samples(projections, 'projection_events_applied_total').every((s) => /^\d+$/.test(s.labels.partition))).toBe(true);
    expect((await histogramCounts(projector, 'projection_batch_write_duration_seconds')).filter((s) => s.labels.projection === 'cart-details').reduce((sum, s) => sum + s.count, 0)).toBeGreaterThanOrEqual(1);
    for (const name of ['projection_dead_letters_parked_total', 'projection_restarts_total']) expect(family(projections, name)?.type).toBe('COUNTER');
    for (const name of ['projection_lag_records', 'projection_lag_seconds', 'projection_state', 'projection_dead_letters', 'db_pool_connections']) expect(family(projections, name)?.type).toBe('GAUGE');
    const lag = samples(projections, 'projection_lag_records').filter((s) => s.labels.projection === 'cart-details');
    expect(lag.length).toBeGreaterThanOrEqual(1);
    expect(lag.every((s) => s.value >= 0)).toBe(true);
    const states = samples(projections, 'projection_state').filter((s) => s.labels.projection === 'cart-details');
    expect(states.map((s) => s.labels.state).sort()).toEqual(['diverged', 'live', 'rebuilding', 'restarting', 'stopped']);
    expect(states.filter((s) => s.value === 1)).toHaveLength(1);
    expect(total(samples(projections, 'projection_dead_letters'), { projection: 'cart-details' })).toBe(0);
    expect(total(samples(projections, 'db_pool_connections'), { state: 'total' })).toBeGreaterThanOrEqual(1);

    const reads = await scrape(query);
    expect(family(reads, 'read_your_writes_waits_total')?.type).toBe('COUNTER');
    expect(total(samples(reads, 'read_your_writes_waits_total'), {})).toBeGreaterThanOrEqual(1);
    expect(samples(reads, 'read_your_writes_waits_total').every((s) => ['immediate', 'arrived', 'timed_out', 'capped'].includes(s.labels.outcome))).toBe(true);
    expect(family(reads, 'read_your_writes_wait_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(samples(reads, 'read_your_writes_waiting')).toEqual([{ labels: { service: 'query-service' }, value: 0 }]);
    const pool = samples(reads, 'db_pool_connections');
    expect(pool.map((s) => s.labels.state).sort()).toEqual(['idle', 'total', 'waiting']);
    expect(total(pool, { state: 'total' })).toBeGreaterThanOrEqual(1);

    // Cardinality guard, after real traffic: no label value is an id, on any service.
    for (const families of [writes, projections, reads]) {
      for (const f of families) for (const sample of f.metrics) for (const value of Object.values(sample.labels ?? {})) expect(value).not.toMatch(UUID);
    }
    for (const service of services) expect(await (await fetch(`${service.url}/metrics`)).text()).not.toMatch(UUID);
  });
});
