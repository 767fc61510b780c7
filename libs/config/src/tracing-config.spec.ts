import { ConfigError } from './env-parsers';
import { loadTracing } from './tracing-config';

describe('tracing configuration (OTEL_*)', () => {
  it('is off without an endpoint', () => {
    expect(loadTracing({})).toEqual({ enabled: false, endpoint: undefined, serviceName: undefined });
  });

  it('sends to <endpoint>/v1/traces, or to the traces endpoint as given', () => {
    expect(loadTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toMatchObject({ enabled: true, endpoint: 'http://collector:4318/v1/traces' });
    expect(loadTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/otlp' }))
      .toMatchObject({ enabled: true, endpoint: 'https://traces.example/otlp' });
  });

  it('stays off when OTEL_SDK_DISABLED is true, and takes OTEL_SERVICE_NAME', () => {
    expect(loadTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'TRUE' }).enabled).toBe(false);
    expect(loadTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SERVICE_NAME: 'carts-eu' }).serviceName).toBe('carts-eu');
  });

  it('refuses a URL that is not http(s), and never echoes one with credentials', () => {
    expect(() => loadTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317' })).toThrow(ConfigError);
    let message = '';
    try {
      loadTracing({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://user:s3cret@traces.example' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/OTEL_EXPORTER_OTLP_TRACES_ENDPOINT/);
    expect(message).not.toMatch(/s3cret/);
  });
});
