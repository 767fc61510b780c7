import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';
import { APP_CONFIG, type AppConfig } from '@carts/config';
import type { CommandOutcome } from '@carts/contracts';
import { ProblemError, ProblemType, unavailableProblem } from '@carts/http';
import type { SentCommand } from '../gateway/command-gateway';
import type { CartVersionDto } from './cart-version.dto';

const NOT_FOUND_TYPES: Record<string, string> = { CART_NOT_FOUND: ProblemType.cartNotFound, ITEM_NOT_IN_CART: ProblemType.itemNotFound };

/** A rejected command as an RFC 9457 problem (with its `code`). */
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

/**
 * The one place a command's outcome becomes HTTP: X-Correlation-Id always; on success the
 * status (`@HttpCode`), the new version as body and ETag, and on 201 the Location where the cart
 * can be read (the query service's public URL); otherwise a problem+json (503 with Retry-After
 * when no outcome came in time).
 */
export function sendOutcome(reply: FastifyReply, sent: SentCommand, successStatus: number, readBaseUrl: string): CartVersionDto {
  const { outcome } = sent;
  void reply.header('x-correlation-id', sent.correlationId);
  if (outcome.status === 'unavailable') throw unavailableProblem(`The command could not be confirmed: ${outcome.message}. Retry with the same Idempotency-Key.`, 1);
  if (outcome.status === 'rejected') throw outcomeToProblem(outcome);
  void reply.header('etag', `"${outcome.version}"`);
  if (successStatus === 201) void reply.header('location', `${readBaseUrl}/carts/${outcome.cartId}`);
  return { cartId: outcome.cartId, version: outcome.version };
}

/** Applied by `CommandEndpoint` (api-docs.ts): command controllers return a `SentCommand`. */
@Injectable()
export class OutcomeResponseInterceptor implements NestInterceptor<SentCommand, CartVersionDto> {
  constructor(private readonly reflector: Reflector, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  intercept(context: ExecutionContext, next: CallHandler<SentCommand>): Observable<CartVersionDto> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const successStatus = this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler());
    return next.handle().pipe(map((sent) => sendOutcome(reply, sent, successStatus, this.config.http.queryPublicUrl)));
  }
}
