import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Logger as NestLogger, type DynamicModule, type LoggerService } from '@nestjs/common';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { LoggerModule, Logger as PinoNestLogger, PinoLogger } from 'nestjs-pino';
import pino, { type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import { loadLogging, type LoggingConfig } from '@carts/config';

export type ServiceLogger = Logger;

/**
 * What pino removes from any line (`[REDACTED]`): credentials in headers and in fields named like
 * a secret, at the top level or one or two levels down. pino's paths are explicit (no "any
 * depth"), so the depths are listed; messages and errors are scrubbed by `scrubSecrets` as well.
 */
const SECRET_KEYS = ['authorization', 'cookie', 'set-cookie', 'password', 'passwd', 'secret', 'token', 'accessToken', 'refreshToken', 'apiKey', 'sasl'];
export const REDACTED_PATHS = [
  ...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`), ...SECRET_KEYS.map((k) => `*.*.${k}`),
  'req.headers["x-api-key"]', 'headers["x-api-key"]',
];

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi;
// 16 characters at least: a token, not the next word of a sentence about bearer tokens.
const BEARER = /\b(bearer\s+)[A-Za-z0-9._~+/=-]{16,}/gi;
const SECRET_ASSIGNMENT = /\b((?:password|passwd|secret|token)=)[^\s&;,]+/gi;

/** A URL's password, a bearer token and `password=…` in free text become `[REDACTED]`. */
export function scrubSecrets(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1[REDACTED]@').replace(BEARER, '$1[REDACTED]').replace(SECRET_ASSIGNMENT, '$1[REDACTED]');
}

const NEST_TO_PINO: Record<LoggingConfig['level'], pino.Level> = { error: 'error', warn: 'warn', log: 'info', debug: 'debug' };

export interface ServiceLoggerOptions extends LoggingConfig {
  /** The `service` field of every line: command-service, projector, query-service. */
  readonly service: string;
  /** Where the lines go; stdout (synchronously, so a line written just before an exit is kept) by default. */
  readonly destination?: DestinationStream;
}

/**
 * The one log of a service: JSON lines with level, time (ISO 8601), service, msg and, where there
 * is one, the request's correlationId (bound per request by `requestLogging`) and the active
 * OpenTelemetry span's traceId and spanId (`@opentelemetry/api` is a no-op without an SDK).
 * `pretty` renders the same lines for a person (`npm start`), in-process and synchronously.
 */
export function createServiceLogger(options: ServiceLoggerOptions): ServiceLogger {
  const destination = options.destination ?? (options.format === 'pretty'
    ? pinoPretty({
      sync: true, colorize: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR, translateTime: 'SYS:HH:MM:ss.l',
      messageFormat: '{if context}[{context}] {end}{msg}', ignore: 'pid,hostname,service,context', singleLine: true,
    })
    : pino.destination({ dest: 1, sync: true }));
  return pino({
    level: NEST_TO_PINO[options.level],
    base: { service: options.service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: activeSpan,
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    serializers: { err: scrubbedError },
    hooks: { logMethod(args, method) { method.apply(this, scrubbedArguments(args) as Parameters<typeof method>); } },
  }, destination);
}

/** Strings scrubbed; an error logged without a message gets its scrubbed message (pino would copy it raw). */
function scrubbedArguments(args: unknown[]): unknown[] {
  const scrubbed = args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a));
  // Nest's Logger.error passes `undefined` for a missing stack: that is no message either.
  while (scrubbed.length > 1 && scrubbed[scrubbed.length - 1] === undefined) scrubbed.pop();
  const [first] = scrubbed;
  const error = first instanceof Error ? first : (first as { err?: unknown } | null)?.err;
  if (scrubbed.length === 1 && error instanceof Error) scrubbed.push(scrubSecrets(error.message));
  return scrubbed;
}

function activeSpan(): Record<string, string> {
  const context = trace.getActiveSpan()?.spanContext();
  return context && isSpanContextValid(context) ? { traceId: context.traceId, spanId: context.spanId } : {};
}

function scrubbedError(error: Error): pino.SerializedError {
  const serialized = pino.stdSerializers.err(error);
  if (typeof serialized?.message === 'string') serialized.message = scrubSecrets(serialized.message);
  if (typeof serialized?.stack === 'string') serialized.stack = scrubSecrets(serialized.stack);
  return serialized;
}

/**
 * Nest's LoggerService over the service's pino logger (nestjs-pino's): inside a request it writes
 * through the request's child logger (with its correlationId), elsewhere through `logger`.
 */
export function nestLoggerFor(logger: ServiceLogger): LoggerService {
  return new PinoNestLogger(new PinoLogger({ pinoHttp: { logger } }), {});
}

/**
 * A service's first act: its logger, from LOG_LEVEL and LOG_FORMAT, made Nest's logger before
 * anything logs (so Nest's own lines, and `new Logger(…)` anywhere, are JSON from the first line).
 * A bad LOG_LEVEL or LOG_FORMAT leaves the defaults here: the configuration check that follows
 * reports it through this logger.
 */
export function bootLogger(service: string, env: NodeJS.ProcessEnv = process.env): ServiceLogger {
  let logging: LoggingConfig = { level: 'log', format: 'json' };
  try {
    logging = loadLogging(env);
  } catch {
    // reported by loadConfigOrExit
  }
  const logger = createServiceLogger({ service, ...logging });
  NestLogger.overrideLogger(nestLoggerFor(logger));
  process.on('uncaughtException', fatalExit(logger));
  return logger;
}

/**
 * What Node does with an uncaught exception or unhandled rejection (print it, exit 1), as a
 * `fatal` line of the service's log instead of a bare stack on stderr.
 */
export function fatalExit(logger: ServiceLogger, exit: (code: number) => void = (code) => process.exit(code)): (error: unknown, origin: string) => void {
  return (error, origin) => {
    logger.fatal({ err: error, origin }, `${origin === 'unhandledRejection' ? 'unhandled rejection' : 'uncaught exception'}: ${error instanceof Error ? error.message : String(error)}`);
    exit(1);
  };
}

/** kafkajs' lines (see `routeKafkaLogs` in @carts/event-log) into the service's log, context `kafkajs`. */
export function kafkaLogsInto(logger: ServiceLogger): (level: 'error' | 'warn' | 'debug', entry: { namespace: string; message: string; fields: Readonly<Record<string, unknown>> }) => void {
  const kafkajs = logger.child({ context: 'kafkajs' });
  return (level, { namespace, message, fields }) => kafkajs[level]({ ...fields, namespace }, message);
}

const VISIBLE_ASCII = /^[\x21-\x7e]{1,128}$/;

/**
 * The request's correlation id, as Fastify's request id (`request.id`, its `genReqId`): its
 * X-Correlation-Id when that is usable (1-128 visible ASCII, the rule the command service
 * applies), else a new UUID. So a command sent without the header carries the same id in its
 * events, its response header and every log line of its request.
 */
export function correlationIdFor(request: IncomingMessage): string {
  const given = request.headers['x-correlation-id'];
  return typeof given === 'string' && VISIBLE_ASCII.test(given) ? given : randomUUID();
}

/**
 * pino-http through nestjs-pino: each request gets a child logger bound to its `correlationId`
 * (the request id Fastify gave it, `correlationIdFor`),
 * which Nest's Logger uses for every line written while the request runs. No per-request line of
 * pino-http's own: the access log (bootstrap.ts) names the route template, which pino-http cannot.
 */
export function requestLogging(logger: ServiceLogger): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: { logger, wrapSerializers: false, quietReqLogger: true, customAttributeKeys: { reqId: 'correlationId' }, autoLogging: false },
  });
}
