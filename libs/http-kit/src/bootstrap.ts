import { Logger, type INestApplication, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ProblemFilter, sendProblem, toProblem } from './problem.filter';

export const MAX_BODY_BYTES = 16 * 1024;

export function logLevels(level: 'error' | 'warn' | 'log' | 'debug'): LogLevel[] {
  const order: LogLevel[] = ['error', 'warn', 'log', 'debug'];
  return order.slice(0, order.indexOf(level) + 1);
}

/**
 * Fastify with a 16 KiB body limit and prototype-poisoning protection; every error, including
 * Fastify's own (body too large, bad JSON, wrong media type), leaves as problem+json.
 */
export async function createHttpApp(module: unknown, level: 'error' | 'warn' | 'log' | 'debug'): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: MAX_BODY_BYTES, onProtoPoisoning: 'error', onConstructorPoisoning: 'error', return503OnClosing: true, allowErrorHandlerOverride: true });
  // bodyParser: false keeps Fastify's own JSON parser (with the poisoning checks above) and
  // skips the form-urlencoded parser Nest would add: a form body is then a 415 like any non-JSON.
  const app = await NestFactory.create<NestFastifyApplication>(module as never, adapter, { logger: logLevels(level), bufferLogs: false, bodyParser: false });
  app.useGlobalFilters(new ProblemFilter());
  const fastify = app.getHttpAdapter().getInstance();
  // JSON only: anything else (text/plain included, which Fastify parses by default) is a 415.
  fastify.removeContentTypeParser(['text/plain']);
  fastify.setErrorHandler((error, request, reply) => sendProblem(reply, request, toProblem(error)));
  app.enableShutdownHooks();
  return app;
}

export async function listen(app: INestApplication, port: number, host: string, name: string): Promise<void> {
  await app.listen(port, host);
  new Logger(name).log(`listening on http://${host}:${port}`);
}
