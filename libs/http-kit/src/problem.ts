/**
 * RFC 9457 problem details. `type` URIs are stable and documented in docs/api.md; clients switch
 * on them (and on `code` for domain rules), never on `title` or `detail`.
 */
export const PROBLEM_BASE = 'urn:carts:problem:';

export const ProblemType = {
  malformedRequest: `${PROBLEM_BASE}malformed-request`,
  validation: `${PROBLEM_BASE}validation-failed`,
  notFound: `${PROBLEM_BASE}not-found`,
  cartNotFound: `${PROBLEM_BASE}cart-not-found`,
  itemNotFound: `${PROBLEM_BASE}item-not-found`,
  ruleBroken: `${PROBLEM_BASE}rule-broken`,
  versionConflict: `${PROBLEM_BASE}version-conflict`,
  payloadTooLarge: `${PROBLEM_BASE}payload-too-large`,
  unsupportedMediaType: `${PROBLEM_BASE}unsupported-media-type`,
  idempotencyKeyReused: `${PROBLEM_BASE}idempotency-key-reused`,
  notModified: `${PROBLEM_BASE}not-modified`,
  unavailable: `${PROBLEM_BASE}service-unavailable`,
  methodNotAllowed: `${PROBLEM_BASE}method-not-allowed`,
  unauthorized: `${PROBLEM_BASE}unauthorized`,
  forbidden: `${PROBLEM_BASE}forbidden`,
  tooManyRequests: `${PROBLEM_BASE}too-many-requests`,
  internal: `${PROBLEM_BASE}internal-error`,
} as const;

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly [extension: string]: unknown;
}

/** The one error type HTTP code throws; the exception filter renders it. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ProblemError';
  }

  body(instance?: string): ProblemBody {
    return { type: this.type, title: this.title, status: this.status, detail: this.message, ...(instance ? { instance } : {}), ...this.extensions };
  }
}

export const validationProblem = (errors: FieldError[]): ProblemError =>
  new ProblemError(400, ProblemType.validation, 'Invalid request', `Invalid field(s): ${[...new Set(errors.map((e) => e.field))].join(', ')}`, { errors });

export const unavailableProblem = (detail: string, retryAfterSeconds = 1, extensions: Record<string, unknown> = {}): ProblemError =>
  new ProblemError(503, ProblemType.unavailable, 'Service unavailable', detail, extensions, { 'retry-after': String(retryAfterSeconds) });
