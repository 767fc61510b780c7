import type { FastifyReply } from 'fastify';
import type { CommandOutcome } from '@carts/contracts';
import { ProblemError, ProblemType } from '@carts/http';

const NOT_FOUND_TYPES: Record<string, string> = { CART_NOT_FOUND: ProblemType.cartNotFound, ITEM_NOT_IN_CART: ProblemType.itemNotFound };

/** Maps the writer's outcome to HTTP: the body on success, a problem (with `code`) otherwise. */
export function outcomeToProblem(outcome: Extract<CommandOutcome, { status: 'rejected' }>): ProblemError {
  const ext = { code: outcome.code, cartId: outcome.cartId, currentVersion: outcome.version };
  switch (outcome.kind) {
    case 'not_found':
      return new ProblemError(404, NOT_FOUND_TYPES[outcome.code] ?? ProblemType.notFound, 'Not found', outcome.message, ext);
    case 'rule_broken':
      return new ProblemError(409, ProblemType.ruleBroken, 'Business rule broken', outcome.message, ext);
    case 'version_conflict':
      return new ProblemError(412, ProblemType.versionConflict, 'Version conflict', outcome.message, ext, { etag: `"${outcome.version}"` });
    case 'idempotency_conflict':
      return new ProblemError(422, ProblemType.idempotencyKeyReused, 'Idempotency-Key reused', outcome.message, ext);
    case 'expired':
      return new ProblemError(503, ProblemType.unavailable, 'Service unavailable', outcome.message, ext, { 'retry-after': '1' });
    case 'invalid':
      return new ProblemError(400, ProblemType.validation, 'Invalid request', outcome.message, { ...ext, errors: [] });
  }
}

export interface CommandAccepted {
  readonly cartId: string;
  readonly version: number;
}

/** `readBaseUrl`: the query service's public URL — a 201's Location is where the new cart can be read. */
export function sendOutcome(reply: FastifyReply, outcome: CommandOutcome, successStatus: number, readBaseUrl: string): CommandAccepted {
  if (outcome.status === 'rejected') throw outcomeToProblem(outcome);
  void reply.status(successStatus).header('etag', `"${outcome.version}"`);
  if (successStatus === 201) void reply.header('location', `${readBaseUrl}/carts/${outcome.cartId}`);
  return { cartId: outcome.cartId, version: outcome.version };
}
