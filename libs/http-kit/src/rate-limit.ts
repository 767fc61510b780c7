import { DynamicModule, ExecutionContext, Injectable, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { AuthConfig, RateLimitConfig } from '@carts/config';
import { AUTH_CONFIG, AuthGuard, type Caller } from './auth';
import { ProblemError, ProblemType } from './problem';

/**
 * @nestjs/throttler, counted per caller (the token's subject; the address for open routes) rather
 * than per address, so one customer cannot use up a shared NAT's budget; a 429 is problem+json
 * with Retry-After in seconds.
 */
@Injectable()
export class CallerThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(request: Record<string, unknown> & { caller?: Caller; ip?: string }): Promise<string> {
    return request.caller ? `sub:${request.caller.subject}` : `ip:${request.ip ?? 'unknown'}`;
  }

  protected override async throwThrottlingException(_: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfter = Math.max(1, Math.ceil(detail.timeToBlockExpire || detail.timeToExpire));
    throw new ProblemError(429, ProblemType.tooManyRequests, 'Too many requests', `More than ${detail.limit} requests in ${detail.ttl} ms from this caller; retry after ${retryAfter} s`, {}, { 'retry-after': String(retryAfter) });
  }
}

/**
 * Identity and abuse limits for an HTTP service: the global AuthGuard (every route needs a bearer
 * token unless @Public) and then the per-caller rate limit, in that order.
 */
@Module({})
export class AccessModule {
  static forRoot(auth: AuthConfig, rateLimit: RateLimitConfig): DynamicModule {
    return {
      module: AccessModule,
      imports: [ThrottlerModule.forRoot({ throttlers: [{ ttl: rateLimit.windowMs, limit: rateLimit.limit }], setHeaders: false })],
      providers: [
        { provide: AUTH_CONFIG, useValue: auth },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: CallerThrottlerGuard },
      ],
    };
  }
}
