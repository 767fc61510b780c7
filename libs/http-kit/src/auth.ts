import { CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable, Logger, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AuthConfig } from '@carts/config';
import { ProblemError, ProblemType, unavailableProblem } from './problem';

export type Role = 'customer' | 'operator';
export const ROLES: readonly Role[] = ['customer', 'operator'];

/** Who is calling, from a verified token: the subject, and for a customer the customer id. */
export interface Caller {
  readonly subject: string;
  readonly roles: readonly Role[];
}

export const isOperator = (caller: Caller): boolean => caller.roles.includes('operator');
/** The customer id a caller acts as, or undefined for a caller without the customer role. */
export const customerIdOf = (caller: Caller): string | undefined => (caller.roles.includes('customer') ? caller.subject : undefined);

export const AUTH_CONFIG = Symbol('AUTH_CONFIG');
const PUBLIC = 'carts:public';
const REQUIRED_ROLES = 'carts:roles';

/** An open route (health probes): the global guard lets it through without a token. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC, true);
/** Only callers holding one of these roles; others get 403. */
export const RequireRoles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_ROLES, roles);

type AuthenticatedRequest = FastifyRequest & { caller?: Caller };

/** The verified caller of this request (the guard has run: a protected route always has one). */
export const CurrentCaller = createParamDecorator((_: unknown, context: ExecutionContext): Caller => {
  const caller = context.switchToHttp().getRequest<AuthenticatedRequest>().caller;
  if (!caller) throw new Error('CurrentCaller on a route without authentication (a @Public route?)');
  return caller;
});

/**
 * Verifies bearer tokens with jose: signature against the configured key or JWKS (cached and
 * refreshed by jose, with its cool-down against key-rotation storms), `exp`/`nbf` with a small
 * clock tolerance, issuer, audience and algorithms pinned, `sub` and `exp` required.
 */
export class TokenVerifier {
  private readonly key: KeyObject | JWTVerifyGetKey;

  constructor(private readonly config: AuthConfig) {
    this.key = config.jwksUrl
      ? createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 600_000 })
      : createPublicKey(readFileSync(config.publicKeyFile!, 'utf8'));
  }

  async verify(token: string): Promise<Caller> {
    const options = {
      issuer: this.config.issuer,
      audience: this.config.audience,
      algorithms: [...this.config.algorithms],
      clockTolerance: this.config.clockToleranceSeconds,
      requiredClaims: ['exp', 'sub'],
    };
    const { payload } = typeof this.key === 'function' ? await jwtVerify(token, this.key, options) : await jwtVerify(token, this.key, options);
    return { subject: payload.sub!, roles: this.roles(payload) };
  }

  private roles(payload: JWTPayload): Role[] {
    const claim = payload[this.config.rolesClaim];
    const names = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(' ') : [];
    return ROLES.filter((role) => names.includes(role));
  }
}

const BEARER = /^Bearer ([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*)$/i;

/** 401 with the RFC 6750 challenge; the detail says what was wrong, never what the token held. */
function unauthorized(detail: string, error?: 'invalid_token' | 'invalid_request'): ProblemError {
  const challenge = error ? `Bearer realm="carts", error="${error}", error_description="${detail}"` : 'Bearer realm="carts"';
  return new ProblemError(401, ProblemType.unauthorized, 'Unauthorized', detail, {}, { 'www-authenticate': challenge });
}

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The access token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `The access token's ${error.claim} claim is not accepted`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The access token signature is invalid';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'The access token is signed with an algorithm that is not accepted';
  if (error instanceof errors.JWKSNoMatchingKey) return 'The access token is signed with an unknown key';
  return 'The access token is invalid';
}

/**
 * The global guard (APP_GUARD): every route needs a valid bearer token unless marked @Public(),
 * so a new endpoint is protected by default; @RequireRoles narrows a route to some roles.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly verifier: TokenVerifier;
  private readonly logger = new Logger('Auth');

  constructor(private readonly reflector: Reflector, @Inject(AUTH_CONFIG) config: AuthConfig) {
    this.verifier = new TokenVerifier(config);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (!header) throw unauthorized('An access token is required (Authorization: Bearer <token>)');
    const match = BEARER.exec(header.trim());
    if (!match) throw unauthorized('The Authorization header must be "Bearer <JWT>"', 'invalid_request');
    try {
      request.caller = await this.verifier.verify(match[1]);
    } catch (error) {
      // The identity provider's keys out of reach is an outage, not the client's fault: 503.
      if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
        this.logger.warn(`token keys unavailable: ${(error as Error)?.message ?? error}`);
        throw unavailableProblem('The token keys could not be fetched from the identity provider', 5);
      }
      throw unauthorized(reasonOf(error), 'invalid_token');
    }
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (required && !required.some((role) => request.caller!.roles.includes(role))) {
      throw new ProblemError(403, ProblemType.forbidden, 'Forbidden', `This needs the ${required.join(' or ')} role`);
    }
    return true;
  }
}
