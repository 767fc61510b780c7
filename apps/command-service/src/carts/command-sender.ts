import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@carts/config';
import type { CartCommand } from '@carts/domain';
import { customerIdOf, ProblemError, ProblemType, unavailableProblem, validationProblem, type Caller } from '@carts/http';
import { CommandBus, CommandUnavailableError } from '../bus/command-bus';
import { sendOutcome, type CommandAccepted } from './outcome-response';
import { v5 as uuidV5 } from 'uuid';
import { ID_PATTERN } from './field-rules';

const VISIBLE_ASCII = /^[\x21-\x7e]{1,128}$/;
const IF_MATCH = /^(?:W\/)?"(\d{1,9})"$/;
const KEY_NAMESPACE = '8f4c3b1e-6d2a-4c7e-9b1f-2a6e5d4c3b2a';

/**
 * Everything every write endpoint does the same way: read If-Match and Idempotency-Key, send
 * the command, wait for the outcome, and turn it into the HTTP response.
 */
@Injectable()
export class CommandSender {
  constructor(private readonly bus: CommandBus, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /**
   * A new cart's id: random, or derived from the caller and the Idempotency-Key, so a retry reaches
   * the same cart and two customers using the same key get two carts.
   */
  newCartId(request: FastifyRequest): string {
    const key = this.idempotencyKey(request);
    return key ? uuidV5(`${this.customer(request)}\n${key}`, KEY_NAMESPACE) : randomUUID();
  }

  /**
   * The customer placing the command: the token's subject. Operators operate; they do not place
   * commands as a customer.
   */
  customer(request: FastifyRequest): string {
    const caller = (request as FastifyRequest & { caller?: Caller }).caller;
    const customerId = caller && customerIdOf(caller);
    if (!customerId) throw new ProblemError(403, ProblemType.forbidden, 'Forbidden', 'Cart commands are placed by customers (a token with the customer role)');
    if (!ID_PATTERN.test(customerId)) throw new ProblemError(403, ProblemType.forbidden, 'Forbidden', 'The token subject is not a usable customer id (1-64 characters of [A-Za-z0-9._-])');
    return customerId;
  }

  async send(request: FastifyRequest, reply: FastifyReply, cartId: string, command: CartCommand, successStatus = 200): Promise<CommandAccepted> {
    const customerId = this.customer(request);
    const idempotencyKey = this.idempotencyKey(request);
    const precondition = this.ifMatch(request);
    const expectedVersion = precondition === '*' ? undefined : precondition;
    // If-Match is part of the request: the same key with another precondition is another request.
    const requestHash = idempotencyKey
      ? createHash('sha256').update(`${request.method} ${request.routeOptions.url}\n${cartId}\n${precondition ?? ''}\n${JSON.stringify(command)}`).digest('base64url')
      : undefined;
    const correlationId = this.visibleAsciiHeader(request, 'X-Correlation-Id') ?? randomUUID();
    void reply.header('x-correlation-id', correlationId);
    try {
      const outcome = await this.bus.execute({ cartId, command, customerId, correlationId, expectedVersion, expectExists: precondition === '*' || undefined, idempotencyKey, requestHash });
      return sendOutcome(reply, outcome, successStatus, this.config.http.queryPublicUrl);
    } catch (error) {
      if (error instanceof CommandUnavailableError) throw unavailableProblem(`The command could not be confirmed: ${error.message}. Retry with the same Idempotency-Key.`, 1);
      throw error;
    }
  }

  private header(request: FastifyRequest, name: string): string | undefined {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }

  private idempotencyKey(request: FastifyRequest): string | undefined {
    return this.visibleAsciiHeader(request, 'Idempotency-Key');
  }

  private visibleAsciiHeader(request: FastifyRequest, name: string): string | undefined {
    const value = this.header(request, name.toLowerCase());
    if (value === undefined) return undefined;
    if (!VISIBLE_ASCII.test(value)) throw validationProblem([{ field: name, message: 'must be 1-128 visible ASCII characters' }]);
    return value;
  }

  /** A version, or `*`: "the cart exists, at any version" (RFC 9110 §13.1.1). */
  private ifMatch(request: FastifyRequest): number | '*' | undefined {
    const value = this.header(request, 'if-match');
    if (value === undefined) return undefined;
    if (value.trim() === '*') return '*';
    const match = IF_MATCH.exec(value.trim());
    if (!match) throw validationProblem([{ field: 'If-Match', message: 'must be a quoted version such as "3", or *' }]);
    return Number(match[1]);
  }
}
