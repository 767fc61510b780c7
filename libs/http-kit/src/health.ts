import { Controller, Get, Inject, Res } from '@nestjs/common';
import { Public } from './auth';
import type { FastifyReply } from 'fastify';

/** `false`, or a list of reasons (empty: up), so that a readiness probe that fails says why. */
export type HealthResult = boolean | { readonly reasons: readonly string[] };

export interface HealthCheck {
  readonly name: string;
  check(): Promise<HealthResult>;
}

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

async function run(check: HealthCheck): Promise<{ up: boolean; reasons?: readonly string[] }> {
  const timeout = new Promise<HealthResult>((resolve) => setTimeout(() => resolve({ reasons: ['no answer within 2 s'] }), 2000).unref());
  const result = await Promise.race([check.check().catch((e: unknown) => ({ reasons: [String((e as Error)?.message ?? e)] })), timeout]);
  return typeof result === 'boolean' ? { up: result } : { up: result.reasons.length === 0, reasons: result.reasons.length ? result.reasons : undefined };
}

/** Liveness: the process answers. Readiness: every dependency of this service answers. */
@Public()
@Controller('health')
export class HealthController {
  constructor(@Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[]) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const results = await Promise.all(this.checks.map(async (c) => [c.name, await run(c)] as const));
    const ok = results.every(([, r]) => r.up);
    const reasons = results.filter(([, r]) => r.reasons).map(([name, r]) => [name, r.reasons]);
    void reply.status(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'unavailable',
      checks: Object.fromEntries(results.map(([name, r]) => [name, r.up ? 'up' : 'down'])),
      ...(reasons.length ? { reasons: Object.fromEntries(reasons) } : {}),
    });
  }
}
