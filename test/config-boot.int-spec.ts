import { ServiceProcess, waitFor } from '@carts/testing';

describe('configuration is validated at boot', () => {
  it.each(['command-service', 'query-service', 'projector', 'console'] as const)('%s stops with one line naming a bad variable', async (name) => {
    const service = await ServiceProcess.start(name, { CART_PARTITIONS: 'lots' }, { waitReady: false });
    const code = await waitFor(() => service.child.exitCode, (c) => c !== null, { what: `${name} to exit` });
    expect(code).toBe(78);
    expect(service.output.trim()).toBe('Configuration error: CART_PARTITIONS: expected an integer from 1 to 1000, got "lots"');
  });
});
