import { encodeJson, topicNames, type CommandMessage } from '@carts/contracts';
import type { LogRecord } from '@carts/event-log';
import { startTracing, stopTracing, trace } from '@carts/tracing';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-node';
import { CommandSpans } from './command-spans';

const TOPICS = topicNames('t.');
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PUBLISH = '00f067aa0ba902b7';
const exported: ReadableSpan[] = [];
const exporter: SpanExporter = { export: (spans, done) => { exported.push(...spans); done({ code: 0 }); }, shutdown: async () => undefined };
const flush = () => (trace.getTracerProvider() as unknown as { getDelegate(): { forceFlush(): Promise<void> } }).getDelegate().forceFlush();

const msg: CommandMessage = { commandId: 'cmd-1', correlationId: 'corr-1', cartId: 'cart-1', command: { type: 'Checkout', data: {} }, replyPartition: 0, deadline: 0 };
const record = (headers?: LogRecord['headers']): LogRecord => ({ topic: TOPICS.commands, partition: 2, offset: '41', key: 'cart-1', value: encodeJson(msg), timestamp: '0', headers });

/** The writer's span per command: child of the gateway's publish span, its context sent on with the command's records. */
describe('CommandSpans', () => {
  beforeAll(() => startTracing({ enabled: true, endpoint: 'http://127.0.0.1:1/v1/traces' }, 'unit', exporter));
  afterAll(() => stopTracing());

  it('continues the command record\'s trace, hands its own context to the records, and ends at the commit', async () => {
    const spans = new CommandSpans();
    const headers = spans.start(record({ traceparent: Buffer.from(`00-${TRACE}-${PUBLISH}-01`) }), msg);
    spans.decided({ status: 'accepted', cartId: 'cart-1', version: 3 });
    await flush();
    expect(exported).toEqual([]); // still open: the transaction has not committed
    spans.committed();
    await flush();
    const [span] = exported.splice(0);
    expect(span.name).toBe(`process ${TOPICS.commands}`);
    expect(span.parentSpanContext?.spanId).toBe(PUBLISH);
    expect(span.spanContext().traceId).toBe(TRACE);
    expect(headers?.traceparent).toBe(`00-${TRACE}-${span.spanContext().spanId}-01`);
    expect(span.attributes).toMatchObject({ 'carts.correlation_id': 'corr-1', 'carts.command.type': 'Checkout', 'carts.command.outcome': 'accepted', 'carts.cart.version': 3, 'messaging.kafka.offset': '41' });
  });

  it('marks every command of a failed transaction failed; an untraced command starts its own trace', async () => {
    const spans = new CommandSpans();
    spans.start(record(), msg);
    spans.start(record({ traceparent: `00-${TRACE}-${PUBLISH}-01` }), msg);
    spans.failed(Object.assign(new Error('fenced'), { type: 'INVALID_PRODUCER_EPOCH' }));
    await flush();
    const failed = exported.splice(0);
    expect(failed).toHaveLength(2);
    expect(failed.every((s) => s.status.code === 2 && s.attributes['error.type'] === 'INVALID_PRODUCER_EPOCH')).toBe(true);
    expect(failed[0].parentSpanContext).toBeUndefined();
    expect(failed[0].spanContext().traceId).not.toBe(TRACE);
  });
});
