import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Link, type Span, type SpanContext } from '@opentelemetry/api';

export { context, trace, SpanKind, SpanStatusCode };
export type { Attributes, Context, Link, Span, SpanContext };

/** The one tracer of the project's manual spans (docs/observability.md lists them). */
export const tracer = () => trace.getTracer('carts');

/** Span attribute names: OpenTelemetry's messaging conventions (still incubating, so spelled out here) and ours. */
export const SpanAttr = {
  messagingSystem: 'messaging.system',
  operation: 'messaging.operation.type',
  destination: 'messaging.destination.name',
  partition: 'messaging.destination.partition.id',
  consumerGroup: 'messaging.consumer.group.name',
  offset: 'messaging.kafka.offset',
  batchSize: 'messaging.batch.message_count',
  correlationId: 'carts.correlation_id',
  cartId: 'carts.cart_id',
  commandId: 'carts.command_id',
  commandType: 'carts.command.type',
  outcome: 'carts.command.outcome',
} as const;

/** Marks the span failed with the error's type and message (no stack: it may quote input). */
export function recordFailure(span: Span, error: unknown): void {
  const e = error as Error & { type?: string };
  span.setStatus({ code: SpanStatusCode.ERROR, message: e?.message ?? String(error) });
  span.setAttribute('error.type', e?.type ?? e?.name ?? 'Error');
}

/**
 * Runs `work` inside a new span made the active one (so log lines and child spans see it),
 * ending it when `work` settles; a rejection marks it failed and is rethrown.
 */
export async function inSpan<T>(name: string, options: { kind?: SpanKind; attributes?: Attributes; links?: Link[]; parent?: Context },
  work: (span: Span) => Promise<T>): Promise<T> {
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links: options.links }, options.parent ?? context.active());
  try {
    return await context.with(trace.setSpan(options.parent ?? context.active(), span), () => work(span));
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    span.end();
  }
}
