import { context, isSpanContextValid, propagation, ROOT_CONTEXT, trace, type Context, type Link, type TextMapGetter } from '@opentelemetry/api';
import { isTracing } from './sdk';

/** Kafka record headers as kafkajs hands them over (values may be Buffers, or repeated). */
export type RecordHeaders = Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>>;

const getter: TextMapGetter<RecordHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    const value = carrier[key];
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.map(String) : String(value);
  },
};

/**
 * The W3C trace context (`traceparent`, `tracestate`) of `ctx`'s span, as record headers to
 * send; undefined when tracing is off or there is no span, so records carry nothing extra. An
 * unsampled span's context is sent too (flags 00): the writer and projectors then honour the
 * caller's decision instead of starting sampled traces of their own.
 */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> | undefined {
  const spanContext = trace.getSpanContext(ctx);
  if (!isTracing() || !spanContext || !isSpanContextValid(spanContext)) return undefined;
  const headers: Record<string, string> = {};
  propagation.inject(ctx, headers);
  return Object.keys(headers).length > 0 ? headers : undefined;
}

/** The context a record was sent in (its `traceparent`), or the root context when it has none. */
export function contextFromHeaders(headers: RecordHeaders | undefined): Context {
  return headers?.traceparent === undefined ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, headers, getter);
}

/**
 * For a span that covers many records (a transaction, a batch write): the parent (the first
 * record that has a trace context) and a link to each distinct record context. A trace viewer
 * then nests the span under the first record's trace and lists the others' as links.
 */
export function batchTrace(headers: readonly (RecordHeaders | undefined)[]): { parent: Context; links: Link[] } {
  const links: Link[] = [];
  const seen = new Set<string>();
  let parent: Context | undefined;
  for (const h of headers) {
    if (h?.traceparent === undefined) continue;
    const ctx = contextFromHeaders(h);
    const spanContext = trace.getSpanContext(ctx);
    if (!spanContext || seen.has(spanContext.spanId)) continue;
    seen.add(spanContext.spanId);
    parent ??= ctx;
    links.push({ context: spanContext });
  }
  return { parent: parent ?? ROOT_CONTEXT, links };
}
