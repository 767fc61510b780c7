import Fastify from 'fastify';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-node';
import { startTracing, stopTracing, trace } from '@carts/tracing';
import { traceEachRequest } from './http-tracing';

/** Keeps what it is sent, also at shutdown (the SDK's in-memory exporter forgets everything then). */
const exported: ReadableSpan[] = [];
const exporter: SpanExporter = { export: (spans, done) => { exported.push(...spans); done({ code: 0 }); }, shutdown: async () => undefined };
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

/** A JSON route whose handler runs from the body's `end` event, after an await: the span must still be the active one. */
describe('one SERVER span per HTTP request', () => {
  const app = Fastify();
  let activeInHandler: string | undefined;
  let recordingInHandler: boolean | undefined;

  beforeAll(async () => {
    startTracing({ enabled: true, endpoint: 'http://127.0.0.1:1/v1/traces' }, 'unit', exporter);
    traceEachRequest(app);
    app.post('/carts/:cartId/items', async (_request, reply) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      activeInHandler = trace.getActiveSpan()?.spanContext().spanId;
      recordingInHandler = trace.getActiveSpan()?.isRecording();
      void reply.header('x-correlation-id', 'corr-1').status(201);
      return { ok: true };
    });
    app.get('/health/live', async () => ({ ok: true }));
    await app.ready();
  });
  afterAll(() => app.close());

  const finished = async () => {
    await (trace.getTracerProvider() as unknown as { getDelegate(): { forceFlush(): Promise<void> } }).getDelegate().forceFlush();
    return exported;
  };

  it('continues the caller\'s trace, is active in the handler, and records route, status and correlation id', async () => {
    const response = await app.inject({ method: 'POST', url: '/carts/c1/items?x=1', payload: { sku: 'a' },
      headers: { traceparent: `00-${TRACE}-${CLIENT_SPAN}-01` } });
    expect(response.statusCode).toBe(201);
    const span = (await finished()).find((s) => s.name === 'POST /carts/:cartId/items');
    expect(span).toBeDefined();
    expect(span!.spanContext().traceId).toBe(TRACE);
    expect(span!.parentSpanContext?.spanId).toBe(CLIENT_SPAN);
    expect(activeInHandler).toBe(span!.spanContext().spanId);
    expect(span!.attributes).toMatchObject({ 'http.route': '/carts/:cartId/items', 'url.path': '/carts/c1/items', 'http.response.status_code': 201, 'carts.correlation_id': 'corr-1' });
  });

  it('starts a new trace without traceparent, and leaves probes untraced', async () => {
    exported.length = 0;
    await app.inject({ method: 'POST', url: '/carts/c2/items', payload: { sku: 'a' } });
    await app.inject({ method: 'GET', url: '/health/live' });
    const spans = await finished();
    expect(spans.map((s) => s.name)).toEqual(['POST /carts/:cartId/items']);
    expect(spans[0].parentSpanContext).toBeUndefined();
    expect(spans[0].spanContext().traceId).not.toBe(TRACE);
  });

  it('exports what is left at close, and records nothing after', async () => {
    exported.length = 0;
    await app.inject({ method: 'POST', url: '/carts/c3/items', payload: { sku: 'a' } });
    await stopTracing();
    expect(exported.map((s) => s.name)).toEqual(['POST /carts/:cartId/items']);
    await app.inject({ method: 'POST', url: '/carts/c4/items', payload: { sku: 'a' } });
    expect(recordingInHandler).toBe(false);
  });
});
