import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError, ProblemType, unavailableProblem } from './problem';

/** Fastify's own errors (raised before Nest sees the request), by code. */
const FASTIFY_ERRORS: Record<string, (e: Error) => ProblemError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => new ProblemError(413, ProblemType.payloadTooLarge, 'Payload too large', 'The request body exceeds 16 KiB'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => new ProblemError(415, ProblemType.unsupportedMediaType, 'Unsupported media type', 'Send the body as application/json'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => new ProblemError(400, ProblemType.malformedRequest, 'Malformed request', 'Content-Length does not match the body'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new ProblemError(400, ProblemType.malformedRequest, 'Malformed request', 'The JSON body is empty'),
  FST_ERR_CTP_INVALID_JSON_BODY: () => new ProblemError(400, ProblemType.malformedRequest, 'Malformed request', 'The body is not valid JSON (or uses a forbidden key such as __proto__)'),
};

function fromHttpException(e: HttpException): ProblemError {
  const status = e.getStatus();
  if (status === 404) return new ProblemError(404, ProblemType.notFound, 'Not found', 'No such resource');
  if (status === 405) return new ProblemError(405, ProblemType.methodNotAllowed, 'Method not allowed', e.message);
  if (status === 413) return FASTIFY_ERRORS.FST_ERR_CTP_BODY_TOO_LARGE(e);
  if (status === 415) return FASTIFY_ERRORS.FST_ERR_CTP_INVALID_MEDIA_TYPE(e);
  // Fastify reports a `__proto__` key (prototype poisoning) as invalid JSON: say so.
  if (status === 400 && /not valid JSON/i.test(e.message)) return FASTIFY_ERRORS.FST_ERR_CTP_INVALID_JSON_BODY(e);
  if (status === 400) return new ProblemError(400, ProblemType.malformedRequest, 'Malformed request', e.message);
  if (status === 503) return unavailableProblem(e.message);
  return new ProblemError(status, status >= 500 ? ProblemType.internal : ProblemType.malformedRequest, e.name, e.message);
}

/** Maps any error to problem+json. Never a stack trace, never a bare 500 body. */
export function toProblem(error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  if (error instanceof HttpException) return fromHttpException(error);
  const e = error as Error & { code?: string; statusCode?: number };
  if (e?.code && FASTIFY_ERRORS[e.code]) return FASTIFY_ERRORS[e.code](e);
  if (e instanceof SyntaxError || (e?.statusCode === 400 && /JSON|__proto__|constructor/i.test(e.message))) {
    return new ProblemError(400, ProblemType.malformedRequest, 'Malformed request', 'The body is not valid JSON (or uses a forbidden key such as __proto__)');
  }
  if (e?.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return new ProblemError(e.statusCode, ProblemType.malformedRequest, 'Bad request', e.message);
  }
  return new ProblemError(500, ProblemType.internal, 'Internal error', 'An unexpected error occurred; it has been logged');
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: ProblemError): void {
  for (const [name, value] of Object.entries(problem.headers)) void reply.header(name, value);
  void reply.status(problem.status).header('content-type', 'application/problem+json').send(problem.body(request.url));
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const problem = toProblem(error);
    if (problem.status >= 500 && problem.status !== 503) this.logger.error(error instanceof Error ? error : String(error));
    sendProblem(http.getResponse<FastifyReply>(), http.getRequest<FastifyRequest>(), problem);
  }
}
