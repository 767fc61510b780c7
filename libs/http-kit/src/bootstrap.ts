import { Logger, Module, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { TracingConfig } from '@carts/config';
import { startTracing } from '@carts/tracing';
import { traceEachRequest } from './http-tracing';
import { correlationIdFor, createServiceLogger, nestLoggerFor, requestLogging, type ServiceLogger } from './logging';
import { httpRequestDuration, serveMetrics, startMetrics } from './metrics';
import { ProblemFilter } from './problem.filter';

export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Slow clients cannot hold sockets: the headers must arrive within 15 s and the whole request
 * (a 16 KiB body at most) within 30 s, or the connection is closed (408); an idle keep-alive
 * connection is closed after 72 s (longer than common load balancers' 60 s, so they close first).
 * No socket inactivity timeout: a request may legitimately wait for its answer (a command up to
 * COMMAND_TIMEOUT_MS, read-your-writes up to 10 s) with nothing on the wire.
 */
export const HTTP_TIMEOUTS = { requestMs: 30_000, headersMs: 15_000, keepAliveMs: 72_000 } as const;

export interface HttpAppOptions {
  /** The `service` label of every metric. */
  readonly service: string;
  readonly logLevel: 'error' | 'warn' | 'log' | 'debug';
  /** One line per request (method, route, status, duration, correlation id). */
  readonly accessLog: boolean;
  /** OpenTelemetry traces: started here when configured (docs/observability.md, Traces). */
  readonly tracing?: TracingConfig;
  /** The service's log (`bootLogger`); in-process tests leave it out and get a JSON one at `logLevel`. */
  readonly logger?: ServiceLogger;
}

/** The service's module, with request-scoped logging around it. */
@Module({})
class HttpAppRoot {}

/**
 * Fastify with a 16 KiB body limit and prototype-poisoning protection; every error, including
 * Fastify's own (body too large, bad JSON, wrong media type), leaves as problem+json: Nest installs
 * Fastify's error handler itself and runs it through the global ProblemFilter (a second handler
 * of ours would only replace it, with a Fastify warning on every start).
 */
export async function createHttpApp(module: unknown, options: HttpAppOptions): Promise<NestFastifyApplication> {
  if (options.tracing) startTracing(options.tracing, options.service);
  const adapter = new FastifyAdapter({
    bodyLimit: MAX_BODY_BYTES, onProtoPoisoning: 'error', onConstructorPoisoning: 'error', return503OnClosing: true,
    requestTimeout: HTTP_TIMEOUTS.requestMs, keepAliveTimeout: HTTP_TIMEOUTS.keepAliveMs,
    genReqId: correlationIdFor,
  });
  // bodyParser: false keeps Fastify's own JSON parser (with the poisoning checks above) and
  // skips the form-urlencoded parser Nest would add: a form body is then a 415 like any non-JSON.
  const logger = options.logger ?? createServiceLogger({ service: options.service, level: options.logLevel, format: 'json' });
  const root: DynamicModule = { module: HttpAppRoot, imports: [module as Type, requestLogging(logger)] };
  // Nest's own lines (start-up, routes, exceptions) go through the same pino logger from the first.
  const app = await NestFactory.create<NestFastifyApplication>(root, adapter, { logger: nestLoggerFor(logger), bodyParser: false });
  app.useGlobalFilters(new ProblemFilter());
  const fastify = app.getHttpAdapter().getInstance();
  // JSON only: anything else (text/plain included, which Fastify parses by default) is a 415.
  fastify.removeContentTypeParser(['text/plain']);
  startMetrics(options.service);
  serveMetrics(fastify);
  observeEachRequest(fastify, options.accessLog, logger);
  traceEachRequest(fastify);
  // Node's own limit on the time to receive the request headers (a slowloris holds it otherwise).
  fastify.server.headersTimeout = HTTP_TIMEOUTS.headersMs;
  app.enableShutdownHooks();
  return app;
}

/**
 * Every response is timed into the RED histogram (by route template: bounded labels) and, with
 * the access log on, logged; probes (`/health/*`, polled every few seconds) only at debug level,
 * so they cannot drown requests.
 */
function observeEachRequest(fastify: FastifyInstance, accessLog: boolean, logger: ServiceLogger): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? '(no route)';
    httpRequestDuration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    if (!accessLog) return done();
    // Fastify's request id is the correlation id (correlationIdFor).
    const fields = { context: 'HTTP', correlationId: request.id, method: request.method, route, statusCode: reply.statusCode, durationMs: Math.round(reply.elapsedTime * 10) / 10 };
    const line = `${request.method} ${route} ${reply.statusCode} ${fields.durationMs}ms`;
    if (route.startsWith('/health/')) logger.debug(fields, line);
    else logger.info(fields, line);
    done();
  });
}

export async function listen(app: INestApplication, port: number, host: string, name: string): Promise<void> {
  await app.listen(port, host);
  new Logger(name).log(`listening on http://${host}:${port}`);
}
