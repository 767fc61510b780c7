import { randomBytes } from 'node:crypto';
import { as, http, isolatedEnv, OtlpReceiver, ServiceProcess, waitFor, type IsolatedEnv, type ReceivedSpan } from '@carts/testing';

const SERVER = 2; // OTLP SpanKind
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/**
 * The services export to an OTLP/HTTP receiver the test runs: one AddItem, sent with a
 * `traceparent`, and the GET that waits for its version (same `traceparent`, as a client that
 * wants one trace does) yield spans from the three services in that one trace, each under the
 * right parent. With OTEL_SDK_DISABLED, a service exports nothing even with an endpoint set.
 */
describe('traces across the three services (OTLP)', () => {
  let env: IsolatedEnv;
  let receiver: OtlpReceiver;
  let services: ServiceProcess[] = [];

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    env = await isolatedEnv('tracing');
    const otel = { ...env.env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50' };
    // A fourth service, started with the others (no extra wait): tracing switched off, endpoint set all the same.
    const off = { ...otel, OTEL_SDK_DISABLED: 'true', OTEL_SERVICE_NAME: 'query-service-off' };
    // Assigned before waiting, so afterAll stops them whatever happens; ready within a longer bound
    // than the harness' 60 s, as four services start at once on a shared 2-core machine.
    services = await ServiceProcess.all([
      ServiceProcess.start('command-service', otel, { waitReady: false }), ServiceProcess.start('projector', otel, { waitReady: false }),
      ServiceProcess.start('query-service', otel, { waitReady: false }), ServiceProcess.start('query-service', off, { waitReady: false }),
    ]);
    await Promise.all(services.map((s) => s.ready(180_000)));
  }, 240_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await env?.dispose();
    await receiver?.close();
  });

  it('one command: HTTP → command record → writer → transaction → events → each projection, the reply, and the read-your-writes GET', async () => {
    const [command, , query] = services;
    const customer = await as.customer('tracing-1');
    // The first command waits for the writer to own its partition (a 503 before that appends nothing).
    const created = await waitFor(() => http<{ cartId: string }>('POST', `${command.url}/carts`, { customerId: 'tracing-1' }, customer), (r) => r.status !== 503, { what: 'the write side ready' });
    expect(created.status).toBe(201);
    // Every projection has the cart's first event: the AddItem's events start a batch of their own.
    await env.caughtUp();

    const traceId = hex(16);
    const clientSpan = hex(8);
    const client = { ...customer, traceparent: `00-${traceId}-${clientSpan}-01`, 'x-correlation-id': `trace-test-${clientSpan}` };
    const item = { sku: 'mug', name: 'Mug', quantity: 1, unitPrice: 1250, currency: 'EUR' };
    const added = await http<{ version: number }>('POST', `${command.url}/carts/${created.body.cartId}/items`, item, client);
    expect(added.status).toBe(200);
    const read = await http('GET', `${query.url}/carts/${created.body.cartId}?minVersion=${added.body.version}&waitMs=5000`, undefined, client);
    expect(read.status).toBe(200);

    const one = (spans: ReceivedSpan[], service: string, name: string | RegExp) => spans.filter((s) => s.service === service && (typeof name === 'string' ? s.name === name : name.test(s.name)));
    const complete = (spans: ReceivedSpan[]) => one(spans, 'projector', /^process .*cart-events$/).length >= 3 && one(spans, 'query-service', 'read-your-writes wait').length === 1
      && one(spans, 'command-service', /cart-command-replies$/).length === 1 && one(spans, 'command-service', 'append').length === 1;
    const spans = await waitFor(async () => receiver.inTrace(traceId), complete, { what: 'the trace of one command exported by the three services', timeoutMs: 30_000 });

    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['command-service', 'projector', 'query-service']));
    const [post] = one(spans, 'command-service', 'POST /carts/:cartId/items');
    expect(post).toMatchObject({ kind: SERVER, parentSpanId: clientSpan, attributes: expect.objectContaining({ 'http.response.status_code': 200, 'carts.correlation_id': client['x-correlation-id'] }) });
    const [publish] = one(spans, 'command-service', /^publish .*cart-commands$/);
    expect(publish.parentSpanId).toBe(post.spanId);
    const [processed] = one(spans, 'command-service', /^process .*cart-commands$/);
    expect(processed).toMatchObject({ parentSpanId: publish.spanId, attributes: expect.objectContaining({ 'carts.correlation_id': client['x-correlation-id'], 'carts.command.type': 'AddItem', 'carts.command.outcome': 'accepted' }) });
    const [append] = one(spans, 'command-service', 'append');
    expect(append.parentSpanId).toBe(processed.spanId);
    expect(append.links).toContainEqual({ traceId, spanId: processed.spanId });
    expect(one(spans, 'command-service', /cart-command-replies$/)[0].parentSpanId).toBe(processed.spanId);

    // Each projection's batch write: a child of the command's span (its context came in the events' headers).
    const writes = one(spans, 'projector', /^process .*cart-events$/);
    expect(new Set(writes.map((w) => w.attributes['messaging.consumer.group.name'])).size).toBe(3);
    for (const w of writes) {
      expect(w.parentSpanId).toBe(processed.spanId);
      expect(w.links).toContainEqual({ traceId, spanId: processed.spanId });
    }

    const [get] = one(spans, 'query-service', 'GET /carts/:cartId');
    expect(get).toMatchObject({ kind: SERVER, parentSpanId: clientSpan });
    const [wait] = one(spans, 'query-service', 'read-your-writes wait');
    expect(wait).toMatchObject({ parentSpanId: get.spanId, attributes: expect.objectContaining({ 'carts.wait.satisfied': true, 'carts.wait.min_version': added.body.version }) });
  });

  it('OTEL_SDK_DISABLED=true: no SDK starts, nothing is exported, even with an endpoint set', async () => {
    const off = services[3];
    try {
      const traceId = hex(16);
      const response = await http('GET', `${off.url}/carts/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, undefined, { ...(await as.customer('tracing-2')), traceparent: `00-${traceId}-${hex(8)}-01` });
      expect(response.status).toBe(404);
    } finally {
      // A running SDK exports what it still holds at shutdown: once the process is gone, nothing more can come.
      await off.stop();
    }
    expect(receiver.spans.filter((s) => s.service === 'query-service-off')).toEqual([]);
  });
});
