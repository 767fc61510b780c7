import { Module } from '@nestjs/common';
import { createHttpApp, HTTP_TIMEOUTS } from './bootstrap';

@Module({})
class EmptyModule {}

describe('createHttpApp', () => {
  it('gives slow clients no hold on a socket: header, request and keep-alive timeouts on the real server', async () => {
    const app = await createHttpApp(EmptyModule, { service: 'spec', logLevel: 'error', accessLog: false });
    try {
      const server = app.getHttpAdapter().getInstance().server;
      expect({ headers: server.headersTimeout, request: server.requestTimeout, keepAlive: server.keepAliveTimeout })
        .toEqual({ headers: HTTP_TIMEOUTS.headersMs, request: HTTP_TIMEOUTS.requestMs, keepAlive: HTTP_TIMEOUTS.keepAliveMs });
      expect(server.headersTimeout).toBeLessThan(server.requestTimeout);
    } finally {
      await app.close();
    }
  });
});
