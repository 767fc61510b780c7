import { once } from 'node:events';
import { as, http, isolatedEnv, ServiceProcess, waitFor, type IsolatedEnv } from '@carts/testing';

/**
 * What an operator reads after a normal start, a few requests and a clean Ctrl-C: no ERROR
 * lines (kafkajs logs the coordinator loading on every fresh group as an error, and retries it),
 * no framework warnings, no colour codes in a log that is not a terminal, and one access-log
 * line per request.
 */
describe('logs of a normal start and stop', () => {
  let env: IsolatedEnv;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    // Fresh topics and consumer groups: the coordinator-loading path runs on this start.
    env = await isolatedEnv('quiet-logs', { LOG_LEVEL: 'log', HTTP_ACCESS_LOG: 'true' });
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await env?.dispose();
  });

  it('prints no ERROR, no warning and no colour code, and one access line per request', async () => {
    services.push(...(await ServiceProcess.all([
      ServiceProcess.start('command-service', env.env), ServiceProcess.start('projector', env.env), ServiceProcess.start('query-service', env.env),
    ])));
    const [command, , query] = services;
    const created = await http<{ cartId: string }>('POST', `${command.url}/carts`, { customerId: 'quiet-1' }, { 'x-correlation-id': 'quiet-logs-1', ...(await as.customer('quiet-1')) });
    expect(created.status).toBe(201);
    const read = await waitFor(async () => http('GET', `${query.url}/carts/${created.body.cartId}?minVersion=1`, undefined, await as.customer('quiet-1')), (r) => r.status === 200, { what: 'the cart in the read model' });
    expect(read.status).toBe(200);
    expect((await http('POST', `${command.url}/carts`, '{not json', await as.customer('quiet-1'))).status).toBe(400);

    // Ctrl-C reaches every process of the terminal's group as SIGINT.
    await Promise.all(services.map(async (s) => {
      const exited = once(s.child, 'exit');
      s.signal('SIGINT');
      // Nest's shutdown hooks close the app, then re-raise the signal: both mean a clean stop.
      const [code, signal] = await exited;
      expect(code === 0 || signal === 'SIGINT').toBe(true);
    }));

    const output = services.map((s) => s.output).join('\n');
    expect(output).not.toMatch(/ERROR/);
    expect(output).not.toMatch(/Warning|FSTWRN|DeprecationWarning/);
    expect(output).not.toContain('\x1b[');
    expect(command.output).toMatch(/\[HTTP\] POST \/carts 201 [\d.]+ms correlationId=quiet-logs-1/);
    expect(command.output).toMatch(/\[HTTP\] POST \/carts 400 [\d.]+ms/);
    expect(query.output).toMatch(/\[HTTP\] GET \/carts\/:cartId 200 [\d.]+ms/);
    expect(output).not.toMatch(/GET \/health\//);
  });
});
