import { ServiceProcess, waitFor } from '@carts/testing';

describe('configuration is validated at boot', () => {
  it.each(['command-service', 'query-service', 'projector', 'console'] as const)('%s stops with one line naming a bad variable', async (name) => {
    const service = await ServiceProcess.start(name, { CART_PARTITIONS: 'lots' }, { waitReady: false });
    const code = await waitFor(() => service.child.exitCode, (c) => c !== null, { what: `${name} to exit` });
    expect(code).toBe(78);
    // One line, JSON like every other line of the service (a collector sees why it stopped).
    expect(service.output.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(service.output)).toMatchObject({ level: 'fatal', service: name, msg: 'Configuration error: CART_PARTITIONS: expected an integer from 1 to 1000, got "lots"' });
  });
});
