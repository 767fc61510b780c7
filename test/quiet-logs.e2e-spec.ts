import { once } from 'node:events';
import { as, http, isolatedEnv, ServiceProcess, waitFor, type IsolatedEnv, type LogLine } from '@carts/testing';

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const DATABASE_PASSWORD = 'quiet-pg-secret-4711';
const BAD_TOKEN = 'quiet-not-a-token-0815';

/**
 * What an operator reads after a normal start, a few requests and a clean Ctrl-C: every line one
 * JSON object (level, time, service, msg), no error line (kafkajs logs the coordinator loading on
 * every fresh group as an error, and retries it), no framework warnings, no colour codes, one
 * access-log line per request with its correlation id — and no secret: the database password in
 * DATABASE_URL (the shared PostgreSQL trusts local connections, so it is in play without being
 * checked), the bearer tokens sent, good and bad.
 */
describe('logs of a normal start and stop', () => {
  let env: IsolatedEnv;
  let serviceEnv: Record<string, string>;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    // Fresh topics and consumer groups: the coordinator-loading path runs on this start.
    env = await isolatedEnv('quiet-logs', { LOG_LEVEL: 'log', HTTP_ACCESS_LOG: 'true' });
    const url = new URL(env.env.DATABASE_URL);
    url.password = DATABASE_PASSWORD;
    // A loaded 2-core box: the first transaction of a fresh processor can take seconds.
    serviceEnv = { ...env.env, DATABASE_URL: url.toString(), COMMAND_TIMEOUT_MS: '30000' };
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await env?.dispose();
  });

  it('prints JSON lines only: no error, no warning, no colour code, no secret, and one access line per request', async () => {
    services.push(...(await ServiceProcess.all([
      ServiceProcess.start('command-service', serviceEnv, { waitReady: false }), ServiceProcess.start('projector', serviceEnv, { waitReady: false }),
      ServiceProcess.start('query-service', serviceEnv, { waitReady: false }),
    ])));
    // Three services and a broker starting together took 55-60 s on the shared CI box: more than the usual minute of patience.
    await Promise.all(services.map((s) => s.ready(180_000)));
    const [command, , query] = services;
    const created = await http<{ cartId: string }>('POST', `${command.url}/carts`, { customerId: 'quiet-1' }, { 'x-correlation-id': 'quiet-logs-1', ...(await as.customer('quiet-1')) });
    expect({ status: created.status, body: created.body, log: created.status === 201 ? '' : command.output.slice(-5000) }).toMatchObject({ status: 201 });
    const read = await waitFor(async () => http('GET', `${query.url}/carts/${created.body.cartId}?minVersion=1`, undefined, await as.customer('quiet-1')), (r) => r.status === 200, { what: 'the cart in the read model' });
    expect(read.status).toBe(200);
    expect((await http('POST', `${command.url}/carts`, '{not json', await as.customer('quiet-1'))).status).toBe(400);
    expect((await http('GET', `${query.url}/carts/${created.body.cartId}`, undefined, { authorization: `Bearer ${BAD_TOKEN}` })).status).toBe(401);
    const tokens = [...Object.values(await as.customer('quiet-1')), BAD_TOKEN].map((h) => h.replace(/^Bearer /, ''));

    // Ctrl-C reaches every process of the terminal's group as SIGINT.
    await Promise.all(services.map(async (s) => {
      const exited = once(s.child, 'exit');
      s.signal('SIGINT');
      // Nest's shutdown hooks close the app, then re-raise the signal: both mean a clean stop.
      const [code, signal] = await exited;
      expect(code === 0 || signal === 'SIGINT').toBe(true);
    }));

    const output = services.map((s) => s.output).join('\n');
    expect(output).not.toMatch(/Warning|FSTWRN|DeprecationWarning/);
    expect(output).not.toContain('\x1b[');
    for (const secret of [DATABASE_PASSWORD, ...tokens]) expect(output).not.toContain(secret);
    const lines = new Map<string, LogLine[]>(services.map((s) => {
      expect(s.truncated).toBe(false); // every line kept, the first included
      return [s.name, s.logLines()];
    }));
    for (const [service, found] of lines) {
      expect(found.length).toBeGreaterThan(5);
      expect(found.filter((l) => typeof l.msg !== 'string' || !ISO_TIME.test(l.time) || l.service !== service || !['info', 'warn'].includes(l.level))).toEqual([]);
    }
    const access = (service: string): LogLine[] => lines.get(service)!.filter((l) => l.context === 'HTTP' && l.level === 'info');
    expect(access('command-service')).toEqual([
      expect.objectContaining({ method: 'POST', route: '/carts', statusCode: 201, correlationId: 'quiet-logs-1', durationMs: expect.any(Number), msg: expect.stringMatching(/^POST \/carts 201 [\d.]+ms$/) }),
      expect.objectContaining({ method: 'POST', route: '/carts', statusCode: 400, correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/) }),
    ]);
    expect(access('query-service')).toEqual(expect.arrayContaining([
      expect.objectContaining({ method: 'GET', route: '/carts/:cartId', statusCode: 200 }),
      expect.objectContaining({ method: 'GET', route: '/carts/:cartId', statusCode: 401 }),
    ]));
    expect(output).not.toMatch(/GET \/health\//);
  });
});
