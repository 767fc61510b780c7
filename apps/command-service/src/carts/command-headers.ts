import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { CartCommand } from '@carts/domain';
import { ID_PATTERN } from '@carts/contracts';
import { customerIdOf, ProblemError, ProblemType, validationProblem, type Caller } from '@carts/http';
import { v5 as uuidV5 } from 'uuid';
import type { CommandRequest } from '../gateway/command-gateway';

/**
 * What a command takes from the request besides its body and path: the route and three headers,
 * as sent. They are checked by `commandRequest`, after the body and path, so a request with a bad
 * body and a bad header is refused for its body.
 */
export interface CommandHeaders {
  /** `METHOD /route/:pattern`: part of the request an Idempotency-Key stands for. */
  readonly route: string;
  readonly ifMatch?: string;
  readonly idempotencyKey?: string;
  readonly correlationId?: string;
  /** The customer placing the command: the verified token's subject, when it has the customer role. */
  readonly customerId?: string;
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** The controller parameter carrying a command's `CommandHeaders`. */
export const CommandHeaders = createParamDecorator((_data: unknown, context: ExecutionContext): CommandHeaders => {
  const request = context.switchToHttp().getRequest<FastifyRequest & { caller?: Caller }>();
  return {
    customerId: request.caller && customerIdOf(request.caller),
    route: `${request.method} ${request.routeOptions.url}`,
    ifMatch: first(request.headers['if-match']),
    idempotencyKey: first(request.headers['idempotency-key']),
    // Absent: the id the request's log lines carry (requestLogging), so log, events and response agree.
    correlationId: first(request.headers['x-correlation-id']) ?? request.id,
  };
});

const VISIBLE_ASCII = /^[\x21-\x7e]{1,128}$/;
const IF_MATCH = /^(?:W\/)?"(\d{1,9})"$/;
const KEY_NAMESPACE = '8f4c3b1e-6d2a-4c7e-9b1f-2a6e5d4c3b2a';

function visibleAscii(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!VISIBLE_ASCII.test(value)) throw validationProblem([{ field: name, message: 'must be 1-128 visible ASCII characters' }]);
  return value;
}

/** A version, or `*`: "the cart exists, at any version" (RFC 9110 §13.1.1). */
function ifMatch(value: string | undefined): number | '*' | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '*') return '*';
  const match = IF_MATCH.exec(value.trim());
  if (!match) throw validationProblem([{ field: 'If-Match', message: 'must be a quoted version such as "3", or *' }]);
  return Number(match[1]);
}

/**
 * The customer the command is placed by: the token's subject. Operators operate; they do not place
 * commands as a customer (403).
 */
export function placingCustomer(headers: Pick<CommandHeaders, 'customerId'>): string {
  const customerId = headers.customerId;
  if (!customerId) throw new ProblemError(403, ProblemType.forbidden, 'Forbidden', 'Cart commands are placed by customers (a token with the customer role)');
  if (!ID_PATTERN.test(customerId)) throw new ProblemError(403, ProblemType.forbidden, 'Forbidden', 'The token subject is not a usable customer id (1-64 characters of [A-Za-z0-9._-])');
  return customerId;
}

/**
 * A new cart's id: random, or derived from the caller and the Idempotency-Key, so a retry reaches
 * the same cart and two customers using the same key get two carts.
 */
export function newCartId(headers: Pick<CommandHeaders, 'idempotencyKey' | 'customerId'>): string {
  const key = visibleAscii('Idempotency-Key', headers.idempotencyKey);
  return key ? uuidV5(`${placingCustomer(headers)}\n${key}`, KEY_NAMESPACE) : randomUUID();
}

/** The command with its If-Match, Idempotency-Key and correlation id checked: a 400 problem otherwise. */
export function commandRequest(headers: CommandHeaders, cartId: string, command: CartCommand): CommandRequest {
  const customerId = placingCustomer(headers);
  const idempotencyKey = visibleAscii('Idempotency-Key', headers.idempotencyKey);
  const precondition = ifMatch(headers.ifMatch);
  // If-Match is part of the request: the same key with another precondition is another request.
  const requestHash = idempotencyKey
    ? createHash('sha256').update(`${headers.route}\n${cartId}\n${precondition ?? ''}\n${JSON.stringify(command)}`).digest('base64url')
    : undefined;
  const correlationId = visibleAscii('X-Correlation-Id', headers.correlationId) ?? randomUUID();
  const expectedVersion = precondition === '*' ? undefined : precondition;
  return { cartId, command, customerId, correlationId, expectedVersion, expectExists: precondition === '*' || undefined, idempotencyKey, requestHash };
}
