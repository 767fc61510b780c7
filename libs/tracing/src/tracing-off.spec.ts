import { loadTracing } from '@carts/config';
import { context, isTracing, startTracing, trace, traceHeaders, tracer } from './index';

describe('tracing off (no OTLP endpoint, or OTEL_SDK_DISABLED)', () => {
  it.each([
    ['no endpoint', {}],
    ['disabled', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' }],
  ])('%s: starts no SDK, records no span, sends no trace header', (_name, env) => {
    expect(startTracing(loadTracing(env), 'unit')).toBe(false);
    expect(isTracing()).toBe(false);
    const span = tracer().startSpan('publish');
    expect(span.isRecording()).toBe(false);
    expect(traceHeaders(trace.setSpan(context.active(), span))).toBeUndefined();
    span.end();
  });
});
