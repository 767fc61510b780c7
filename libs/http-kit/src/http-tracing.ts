import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_URL_PATH } from '@opentelemetry/semantic-conventions';
import { context, contextFromHeaders, isTracing, SpanAttr, SpanKind, SpanStatusCode, stopTracing, trace, tracer, type Span } from '@carts/tracing';

/** Probes and scrapes, polled every few seconds, would drown the requests that matter. */
const untraced = (route: string): boolean => route === '/metrics' || route.startsWith('/health/') || route.startsWith('/docs');

/**
 * One SERVER span per HTTP request (`<METHOD> <route template>`), a child of the caller's span
 * when the request has a `traceparent`. It is the active context for the whole request: the
 * request stream is bound to it too, so the handler (called from the body's `end` event) runs
 * inside it, and the command gateway's `publish` span and any log line see it. Nothing is added
 * when tracing is off. At close, the spans still buffered are exported.
 */
export function traceEachRequest(fastify: FastifyInstance): void {
  if (!isTracing()) return;
  const spans = new WeakMap<FastifyRequest, Span>();
  fastify.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url ?? '(no route)';
    if (untraced(route)) return done();
    const parent = contextFromHeaders(request.headers);
    const span = tracer().startSpan(`${request.method} ${route}`, { kind: SpanKind.SERVER, attributes: {
      [ATTR_HTTP_REQUEST_METHOD]: request.method, [ATTR_HTTP_ROUTE]: route, [ATTR_URL_PATH]: request.url.split('?')[0],
    } }, parent);
    spans.set(request, span);
    const active = trace.setSpan(parent, span);
    context.bind(active, request.raw);
    context.with(active, done);
  });
  const end = (request: FastifyRequest, status: number | undefined, correlationId: unknown): void => {
    const span = spans.get(request);
    if (!span) return;
    spans.delete(request);
    if (status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    if (typeof correlationId === 'string') span.setAttribute(SpanAttr.correlationId, correlationId);
    if (status === undefined || status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: status === undefined ? 'the client went away' : undefined });
    span.end();
  };
  fastify.addHook('onResponse', (request, reply, done) => {
    end(request, reply.statusCode, reply.getHeader('x-correlation-id') ?? request.headers['x-correlation-id']);
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    end(request, undefined, request.headers['x-correlation-id']);
    done();
  });
  fastify.addHook('onClose', async () => stopTracing());
}
