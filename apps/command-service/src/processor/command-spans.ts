import type { CommandMessage, CommandOutcome } from '@carts/contracts';
import type { LogRecord } from '@carts/event-log';
import { contextFromHeaders, isTracing, recordFailure, SpanAttr, SpanKind, trace, traceHeaders, tracer, type Span } from '@carts/tracing';

/**
 * One span per command the writer processes (`process <commands topic>`), a child of the
 * gateway's `publish` span whose context came in the command record's `traceparent`. Its own
 * context goes out in the headers of the command's events, reply and idempotency record, and it
 * ends when the transaction holding them commits (or fails), so it covers decide + append.
 * Tracing off: every method does nothing and `headers` is undefined.
 */
export class CommandSpans {
  private readonly spans: Span[] = [];

  /** Starts the command's span; returns the headers its records carry. */
  start(record: LogRecord, msg: CommandMessage): Readonly<Record<string, string>> | undefined {
    if (!isTracing()) return undefined;
    const parent = contextFromHeaders(record.headers);
    const span = tracer().startSpan(`process ${record.topic}`, { kind: SpanKind.CONSUMER, attributes: {
      [SpanAttr.messagingSystem]: 'kafka', [SpanAttr.operation]: 'process', [SpanAttr.destination]: record.topic,
      [SpanAttr.partition]: String(record.partition), [SpanAttr.offset]: record.offset,
      [SpanAttr.commandId]: msg.commandId, [SpanAttr.correlationId]: msg.correlationId, [SpanAttr.cartId]: msg.cartId, [SpanAttr.commandType]: msg.command.type,
    } }, parent);
    this.spans.push(span);
    return traceHeaders(trace.setSpan(parent, span));
  }

  decided(outcome: CommandOutcome): void {
    const span = this.spans[this.spans.length - 1];
    if (!span) return;
    span.setAttribute(SpanAttr.outcome, outcome.status === 'accepted' ? 'accepted' : outcome.code);
    span.setAttribute('carts.cart.version', outcome.version);
  }

  committed(): void {
    for (const span of this.spans.splice(0)) span.end();
  }

  failed(error: Error): void {
    for (const span of this.spans.splice(0)) {
      recordFailure(span, error);
      span.end();
    }
  }
}
