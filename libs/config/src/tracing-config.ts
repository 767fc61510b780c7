import { bool, ConfigError, optionalStr, type Env } from './env-parsers';

/**
 * OpenTelemetry traces (docs/observability.md, Traces). The standard OTEL_* variables: tracing is
 * on only when an OTLP endpoint is given and OTEL_SDK_DISABLED is not true; off, no SDK starts
 * and the code paths that would carry trace context do nothing. The exporter and the batch span
 * processor read their own standard variables (OTEL_EXPORTER_OTLP_HEADERS, OTEL_BSP_*) themselves.
 */
export interface TracingConfig {
  readonly enabled: boolean;
  /** Where spans go: the traces endpoint as given, or the base endpoint + `/v1/traces`. */
  readonly endpoint?: string;
  /** OTEL_SERVICE_NAME: replaces the service's own name (`command-service`, …) in `service.name`. */
  readonly serviceName?: string;
}

export const TRACING_VARIABLES = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_SDK_DISABLED', 'OTEL_SERVICE_NAME'] as const;

/** An http(s) URL; never echoed when it holds credentials (they belong in OTEL_EXPORTER_OTLP_HEADERS). */
function otlpUrl(env: Env, name: string): string | undefined {
  const raw = optionalStr(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(raw);
  } catch {
    parsed = undefined;
  }
  const hasCredentials = parsed !== undefined && (parsed.username !== '' || parsed.password !== '');
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || hasCredentials) {
    throw new ConfigError(name, 'an http:// or https:// URL without credentials (OTLP over HTTP)', hasCredentials || raw.includes('@') ? '(hidden: it holds credentials)' : raw);
  }
  return raw;
}

export function loadTracing(env: Env): TracingConfig {
  const traces = otlpUrl(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const base = otlpUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  const endpoint = traces ?? (base === undefined ? undefined : `${base.replace(/\/+$/, '')}/v1/traces`);
  const disabled = bool(env, 'OTEL_SDK_DISABLED', false);
  return { enabled: endpoint !== undefined && !disabled, endpoint, serviceName: optionalStr(env, 'OTEL_SERVICE_NAME') };
}
