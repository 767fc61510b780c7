import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

interface Schema { [key: string]: unknown }
interface HeaderDoc { required?: boolean; schema?: Schema }
interface ResponseDoc { headers?: Record<string, HeaderDoc>; content?: Record<string, { schema: Schema }> }
export interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, ResponseDoc> }>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface RealResponse {
  readonly method: string;
  /** The path template as the document names it, e.g. `/carts/{cartId}`. */
  readonly path: string;
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** `#/components/...` inside a response schema, pointed at the document registered under `id`. */
function rebase(value: unknown, id: string): unknown {
  if (Array.isArray(value)) return value.map((v) => rebase(v, id));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${id}${v}` : rebase(v, id)]));
}

/**
 * Checks a real HTTP response against an OpenAPI 3.0 document: the status is declared for the
 * operation, the content type is one declared for it (none for a bodiless one), every required
 * header is there and matches its schema, and the body validates against the declared schema (Ajv,
 * which knows OpenAPI's `nullable`). Returns what differs, so a test can show all of it at once.
 */
export class OpenApiChecker {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  readonly seen = new Set<string>();

  constructor(readonly doc: OpenApiDocument, private readonly id: string) {
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: id, components: doc.components ?? {} });
  }

  /** Every `METHOD path status` the document declares. */
  declared(filter: (path: string) => boolean = () => true): string[] {
    return Object.entries(this.doc.paths).filter(([path]) => filter(path))
      .flatMap(([path, ops]) => Object.entries(ops).flatMap(([method, op]) => Object.keys(op.responses).map((s) => `${method.toUpperCase()} ${path} ${s}`)));
  }

  check(r: RealResponse): string[] {
    const where = `${r.method} ${r.path} ${r.status}`;
    this.seen.add(where);
    const declared = this.doc.paths[r.path]?.[r.method.toLowerCase()]?.responses[String(r.status)];
    if (!declared) return [`${where}: not declared`];
    const problems: string[] = [];
    for (const [name, h] of Object.entries(declared.headers ?? {})) {
      const value = r.headers.get(name);
      if (value === null) {
        if (h.required) problems.push(`${where}: required header ${name} missing`);
        continue;
      }
      const numeric = h.schema?.type === 'integer' || h.schema?.type === 'number';
      if (h.schema && !this.validator(`header ${where} ${name}`, h.schema)(numeric ? Number(value) : value)) problems.push(`${where}: header ${name}: ${JSON.stringify(value)} does not match ${JSON.stringify(h.schema)}`);
    }
    const mediaType = (r.headers.get('content-type') ?? '').split(';')[0].trim();
    if (!declared.content) {
      if (r.text !== '') problems.push(`${where}: declared without a body, got ${mediaType} ${r.text.slice(0, 100)}`);
      return problems;
    }
    const content = declared.content[mediaType];
    if (!content) return [...problems, `${where}: content type ${mediaType || '(none)'} not declared (declared: ${Object.keys(declared.content).join(', ')})`];
    const validate = this.validator(`body ${where} ${mediaType}`, content.schema);
    let body: unknown;
    try {
      body = JSON.parse(r.text);
    } catch {
      return [...problems, `${where}: body is not JSON: ${r.text.slice(0, 100)}`];
    }
    if (!validate(body)) problems.push(`${where}: body ${JSON.stringify(body).slice(0, 300)} — ${this.ajv.errorsText(validate.errors)}`);
    return problems;
  }

  private validator(key: string, schema: Schema): ValidateFunction {
    let v = this.validators.get(key);
    if (!v) this.validators.set(key, (v = this.ajv.compile(rebase(schema, this.id) as Schema)));
    return v;
  }
}
