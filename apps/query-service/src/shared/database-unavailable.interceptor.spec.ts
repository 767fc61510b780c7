import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { lastValueFrom, of, throwError } from 'rxjs';
import { ProblemError, toProblem } from '@carts/http';
import { DATABASE_RETRY_AFTER_S, DatabaseUnavailableInterceptor } from './database-unavailable.interceptor';

const handler = (error: unknown): CallHandler => ({ handle: () => throwError(() => error) });
const context = {} as ExecutionContext;
const run = (error: unknown) => lastValueFrom(new DatabaseUnavailableInterceptor().intercept(context, handler(error))).catch((e: unknown) => e);

describe('DatabaseUnavailableInterceptor', () => {
  it.each([
    ['the server stopped', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['the pool timed out connecting', new Error('timeout exceeded when trying to connect')],
    ['a statement timeout', Object.assign(new Error('canceling statement due to statement timeout'), { driverError: { code: '57014' } })],
  ])('%s: 503 problem+json with Retry-After and the stable code, no driver text', async (_what, error) => {
    const problem = toProblem(await run(error));
    expect(problem.status).toBe(503);
    expect(problem.headers).toEqual({ 'retry-after': String(DATABASE_RETRY_AFTER_S) });
    expect(problem.body('/carts/x')).toMatchObject({ type: 'urn:carts:problem:service-unavailable', status: 503, code: 'DATABASE_UNAVAILABLE', instance: '/carts/x' });
    expect(problem.message).not.toMatch(/ECONNREFUSED|5432|57014/);
  });

  it('leaves every other error to the problem filter unchanged', async () => {
    const bug = new TypeError('x is undefined');
    const notFound = new ProblemError(404, 'urn:carts:problem:cart-not-found', 'Not found', 'no');
    expect(await run(bug)).toBe(bug);
    expect(await run(notFound)).toBe(notFound);
    expect(toProblem(bug).status).toBe(500);
  });

  it('lets answers through', async () => {
    await expect(lastValueFrom(new DatabaseUnavailableInterceptor().intercept(context, { handle: () => of({ ok: 1 }) }))).resolves.toEqual({ ok: 1 });
  });
});
