import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One exported span, as an OTLP/HTTP JSON request carries it, with its resource's service.name. */
export interface ReceivedSpan {
  readonly service: string;
  readonly name: string;
  readonly kind: number;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly links: readonly { readonly traceId: string; readonly spanId: string }[];
}

interface OtlpValue { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number }
interface OtlpAttribute { key: string; value: OtlpValue }
interface OtlpSpan { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: OtlpAttribute[]; links?: { traceId: string; spanId: string }[] }
interface OtlpRequest { resourceSpans?: { resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[] }

const valueOf = (v: OtlpValue): unknown => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : v.boolValue ?? v.doubleValue);
const attributes = (list: OtlpAttribute[] = []) => Object.fromEntries(list.map((a) => [a.key, valueOf(a.value)]));
/** OTLP JSON ids are hex; accept base64 too (protobuf-JSON mappings use it). */
const hex = (id: string | undefined): string | undefined => (!id ? undefined : /^[0-9a-f]+$/.test(id) ? id : Buffer.from(id, 'base64').toString('hex'));

/**
 * A minimal OTLP/HTTP receiver (JSON, `POST /v1/traces`) for tests and the bench: it keeps what
 * it is sent, or only counts spans with `keep: false`. Point OTEL_EXPORTER_OTLP_ENDPOINT at `url`.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  spanCount = 0;

  private readonly server: Server;

  private constructor(private readonly keep: boolean) {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        if (request.method === 'POST' && request.url === '/v1/traces') this.take(Buffer.concat(chunks));
        response.writeHead(request.url === '/v1/traces' ? 200 : 404, { 'content-type': 'application/json' }).end('{}');
      });
    });
  }

  static async start({ keep = true } = {}): Promise<OtlpReceiver> {
    const receiver = new OtlpReceiver(keep);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  /** The base endpoint (OTEL_EXPORTER_OTLP_ENDPOINT): exporters append `/v1/traces`. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private take(body: Buffer): void {
    const request = JSON.parse(body.toString()) as OtlpRequest;
    for (const rs of request.resourceSpans ?? []) {
      const service = String(attributes(rs.resource?.attributes)['service.name']);
      for (const span of (rs.scopeSpans ?? []).flatMap((s) => s.spans ?? [])) {
        this.spanCount++;
        if (!this.keep) continue;
        this.spans.push({ service, name: span.name, kind: span.kind, traceId: hex(span.traceId)!, spanId: hex(span.spanId)!, parentSpanId: hex(span.parentSpanId),
          attributes: attributes(span.attributes), links: (span.links ?? []).map((l) => ({ traceId: hex(l.traceId)!, spanId: hex(l.spanId)! })) });
      }
    }
  }

  inTrace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((s) => s.traceId === traceId);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
