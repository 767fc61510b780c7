import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { batchTrace, context, contextFromHeaders, inSpan, isTracing, startTracing, stopTracing, trace, traceHeaders, tracer } from './index';

const exporter = new InMemorySpanExporter();
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const traceparent = (spanId: string) => `00-${TRACE}-${spanId}-01`;

describe('tracing on', () => {
  beforeAll(() => {
    expect(startTracing({ enabled: true, endpoint: 'http://127.0.0.1:1/v1/traces' }, 'unit', exporter)).toBe(true);
  });
  afterAll(() => stopTracing());

  it('puts the active span in record headers as W3C traceparent, and reads it back', () => {
    expect(isTracing()).toBe(true);
    const span = tracer().startSpan('publish');
    const headers = traceHeaders(trace.setSpan(context.active(), span));
    span.end();
    expect(headers?.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
    // kafkajs hands headers back as Buffers.
    const back = trace.getSpanContext(contextFromHeaders({ traceparent: Buffer.from(headers!.traceparent) }));
    expect(back).toMatchObject({ traceId: span.spanContext().traceId, spanId: span.spanContext().spanId, isRemote: true });
  });

  it('passes an unsampled caller\'s decision on (flags 00), so downstream spans are not recorded either', () => {
    const unsampled = contextFromHeaders({ traceparent: `00-${TRACE}-00f067aa0ba902b7-00` });
    const span = tracer().startSpan('publish', {}, unsampled);
    expect(span.isRecording()).toBe(false);
    const headers = traceHeaders(trace.setSpan(unsampled, span));
    expect(headers?.traceparent).toMatch(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-00$`));
    expect(tracer().startSpan('process', {}, contextFromHeaders(headers)).isRecording()).toBe(false);
  });

  it('sends no headers outside a span, and a record without them starts a new trace', () => {
    expect(traceHeaders()).toBeUndefined();
    expect(trace.getSpanContext(contextFromHeaders(undefined))).toBeUndefined();
    expect(trace.getSpanContext(contextFromHeaders({ other: 'x' }))).toBeUndefined();
  });

  it('makes a batch span the child of the first traced record, linked to each distinct one', () => {
    const { parent, links } = batchTrace([undefined, { traceparent: traceparent('00f067aa0ba902b7') }, { traceparent: Buffer.from(traceparent('b7ad6b7169203331')) },
      { traceparent: traceparent('00f067aa0ba902b7') }]);
    expect(trace.getSpanContext(parent)?.spanId).toBe('00f067aa0ba902b7');
    expect(links.map((l) => l.context.spanId)).toEqual(['00f067aa0ba902b7', 'b7ad6b7169203331']);
    expect(trace.getSpanContext(batchTrace([undefined]).parent)).toBeUndefined();
  });

  it('runs work inside its span (the active one, across awaits), and records a failure', async () => {
    const parent = contextFromHeaders({ traceparent: traceparent('00f067aa0ba902b7') });
    let seen: string | undefined;
    await expect(inSpan('write', { parent }, async (span) => {
      await new Promise((resolve) => setImmediate(resolve));
      seen = trace.getActiveSpan()?.spanContext().spanId;
      expect(seen).toBe(span.spanContext().spanId);
      throw Object.assign(new Error('broker gone'), { type: 'KAFKA_STORAGE_ERROR' });
    })).rejects.toThrow('broker gone');
    const provider = trace.getTracerProvider() as unknown as { getDelegate(): { forceFlush(): Promise<void> } };
    await provider.getDelegate().forceFlush();
    const [span] = exporter.getFinishedSpans().filter((s) => s.name === 'write');
    expect(span.spanContext().spanId).toBe(seen);
    expect(span.spanContext().traceId).toBe(TRACE);
    expect(span.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(span.status).toMatchObject({ code: 2, message: 'broker gone' });
    expect(span.attributes['error.type']).toBe('KAFKA_STORAGE_ERROR');
  });
});
