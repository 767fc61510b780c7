import { diag, DiagLogLevel, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TracingConfig } from '@carts/config';

let provider: NodeTracerProvider | undefined;

/** True once the SDK runs in this process: the hot paths skip every trace-context step otherwise. */
export function isTracing(): boolean {
  return provider !== undefined;
}

/**
 * Starts the OpenTelemetry SDK when the configuration says so (an OTLP endpoint, and
 * OTEL_SDK_DISABLED not true): spans batched (OTEL_BSP_* apply) and exported over OTLP/HTTP
 * (JSON; OTEL_EXPORTER_OTLP_HEADERS apply), W3C trace context as the propagator, the
 * AsyncLocalStorage context manager so `context.with` follows the async work of a span.
 * Off, nothing is registered: @opentelemetry/api stays a no-op. Called once, first thing in a
 * service's bootstrap; a second call does nothing. `exporter` replaces the OTLP one (tests).
 */
export function startTracing(config: TracingConfig, service: string, exporter?: SpanExporter): boolean {
  if (!config.enabled || provider) return provider !== undefined;
  // The SDK's own failures (collector unreachable) at warn, once each, never with the headers it sent.
  diag.setLogger({ error: (m) => console.warn(`tracing: ${m}`), warn: (m) => console.warn(`tracing: ${m}`), info: () => undefined, debug: () => undefined, verbose: () => undefined }, DiagLogLevel.WARN);
  // OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME (envDetector) win over the service's own name.
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName ?? service }).merge(detectResources({ detectors: [envDetector] }));
  provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter ?? new OTLPTraceExporter({ url: config.endpoint }))] });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return true;
}

/** Exports what is still buffered, then stops (at shutdown, after the HTTP server has closed). */
export async function stopTracing(): Promise<void> {
  const running = provider;
  provider = undefined;
  if (!running) return;
  await running.shutdown().catch((error: Error) => console.warn(`tracing: could not export the last spans: ${error.message}`));
  trace.disable();
}
