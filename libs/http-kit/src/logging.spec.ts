import { AsyncLocalStorage } from 'node:async_hooks';
import { Writable } from 'node:stream';
import { Controller, Get, Logger, Module, Req } from '@nestjs/common';
import { context, ROOT_CONTEXT, trace, type Context, type ContextManager } from '@opentelemetry/api';
import type { FastifyRequest } from 'fastify';
import { waitFor } from '../../testing/src/wait-for';
import { createHttpApp } from './bootstrap';
import { createServiceLogger, fatalExit, kafkaLogsInto, scrubSecrets } from './logging';

type Line = Record<string, unknown> & { level: string; msg: string };

/** A destination that keeps every line the logger writes, parsed (a line that is not JSON fails the parse). */
function capture(): { stream: Writable; lines: Line[] } {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line));
      done();
    },
  });
  return { stream, lines };
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('createServiceLogger', () => {
  it('writes one JSON object per line: level name, ISO time, service, msg', () => {
    const { stream, lines } = capture();
    const log = createServiceLogger({ service: 'command-service', level: 'log', format: 'json', destination: stream });
    log.info('hello');
    log.debug('not at LOG_LEVEL=log');
    log.warn({ context: 'Topics' }, 'careful');
    expect(lines).toEqual([
      { level: 'info', time: expect.stringMatching(ISO_TIME), service: 'command-service', pid: process.pid, msg: 'hello' },
      { level: 'warn', time: expect.stringMatching(ISO_TIME), service: 'command-service', pid: process.pid, context: 'Topics', msg: 'careful' },
    ]);
  });

  it('never writes a credential: headers, secret-named fields at any listed depth, URLs, bearer tokens, errors', () => {
    const { stream, lines } = capture();
    const log = createServiceLogger({ service: 'projector', level: 'debug', format: 'json', destination: stream });
    log.info({ req: { headers: { authorization: 'Bearer hdr-secret-1', cookie: 'sid=cookie-secret-2' } }, password: 'pw-secret-3',
      kafka: { sasl: { mechanism: 'scram-sha-512', password: 'sasl-secret-4' } }, token: 'tok-secret-5' },
    'connecting to postgres://writer:url-secret-6@db:5432/carts as Bearer eyJ.bearer-secret-7 with password=kv-secret-8');
    log.error({ err: new Error('connect to postgres://owner:err-secret-9@db/carts failed') }, 'boom');
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/secret-\d/);
    expect(lines[0]).toMatchObject({ req: { headers: { authorization: '[REDACTED]', cookie: '[REDACTED]' } }, password: '[REDACTED]', kafka: { sasl: '[REDACTED]' } });
    expect(lines[0].msg).toBe('connecting to postgres://writer:[REDACTED]@db:5432/carts as Bearer [REDACTED] with password=[REDACTED]');
    expect(lines[1]).toMatchObject({ level: 'error', err: { type: 'Error', message: 'connect to postgres://owner:[REDACTED]@db/carts failed' } });
  });

  it('adds traceId and spanId while an OpenTelemetry span is active, and nothing otherwise', () => {
    const { stream, lines } = capture();
    const log = createServiceLogger({ service: 'query-service', level: 'log', format: 'json', destination: stream });
    context.setGlobalContextManager(new AlsContextManager());
    try {
      const span = trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 });
      context.with(trace.setSpan(context.active(), span), () => log.info('in a span'));
      log.info('outside');
    } finally {
      context.disable();
    }
    expect(lines[0]).toMatchObject({ msg: 'in a span', traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' });
    expect(lines[1]).not.toHaveProperty('traceId');
    expect(lines[1]).not.toHaveProperty('spanId');
  });

  it('takes kafkajs lines with their namespace and fields, under context kafkajs', () => {
    const { stream, lines } = capture();
    kafkaLogsInto(createServiceLogger({ service: 'projector', level: 'log', format: 'json', destination: stream }))(
      'warn', { namespace: 'Connection', message: 'Connection error: connect ECONNREFUSED', fields: { broker: '127.0.0.1:1' } });
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', service: 'projector', context: 'kafkajs', namespace: 'Connection', broker: '127.0.0.1:1', msg: 'Connection error: connect ECONNREFUSED' })]);
  });
});

describe('fatalExit', () => {
  it('logs an uncaught error as one fatal line, scrubbed, and exits 1 as Node would', () => {
    const { stream, lines } = capture();
    const exits: number[] = [];
    fatalExit(createServiceLogger({ service: 'projector', level: 'log', format: 'json', destination: stream }), (code) => exits.push(code))(
      new Error('lost postgres://u:uncaught-secret@db/carts'), 'unhandledRejection');
    expect(exits).toEqual([1]);
    expect(lines).toEqual([expect.objectContaining({ level: 'fatal', origin: 'unhandledRejection', msg: 'unhandled rejection: lost postgres://u:[REDACTED]@db/carts', err: expect.objectContaining({ type: 'Error' }) })]);
    expect(JSON.stringify(lines)).not.toContain('uncaught-secret');
  });
});

describe('scrubSecrets', () => {
  it('leaves a URL without a password, and ordinary text (a sentence about bearer tokens), as it is', () => {
    expect(scrubSecrets('postgres://postgres@127.0.0.1:5432/carts and http://h:3000/x')).toBe('postgres://postgres@127.0.0.1:5432/carts and http://h:3000/x');
    expect(scrubSecrets('every route needs a bearer token; idempotencyToken=abc')).toBe('every route needs a bearer token; idempotencyToken=abc');
  });
});

@Controller()
class EchoController {
  @Get('echo/:id')
  async echo(@Req() request: FastifyRequest): Promise<{ correlationId: string }> {
    await new Promise(setImmediate); // the request's context follows the handler across awaits
    new Logger('Echo').log('inside the handler');
    return { correlationId: request.id };
  }

  @Get('fail')
  fail(): never {
    throw new Error('handler failed, see postgres://u:fail-secret@db/carts');
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

describe('an HTTP app', () => {
  it('logs Nest\'s lines, the handler\'s and the access line as JSON, those of a request with its correlationId', async () => {
    const { stream, lines } = capture();
    const logger = createServiceLogger({ service: 'spec', level: 'log', format: 'json', destination: stream });
    const app = await createHttpApp(EchoModule, { service: 'spec', logLevel: 'log', accessLog: true, logger });
    try {
      await app.init();
      const fastify = app.getHttpAdapter().getInstance();
      const given = await fastify.inject({ method: 'GET', url: '/echo/1', headers: { 'x-correlation-id': 'corr-1', authorization: 'Bearer never-logged' } });
      const generated = await fastify.inject({ method: 'GET', url: '/echo/2' });
      const unusable = await fastify.inject({ method: 'GET', url: '/echo/3', headers: { 'x-correlation-id': 'x'.repeat(129) } });
      const failed = await fastify.inject({ method: 'GET', url: '/fail', headers: { 'x-correlation-id': 'corr-fail' } });
      const id = (generated.json() as { correlationId: string }).correlationId;
      // onResponse runs after the response is sent: wait for the four access lines, not a while.
      const access = await waitFor(() => lines.filter((l) => l.context === 'HTTP' && l.level === 'info'), (found) => found.length === 4, { what: 'four access lines' });

      expect(given.json()).toEqual({ correlationId: 'corr-1' });
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect((unusable.json() as { correlationId: string }).correlationId).toMatch(/^[0-9a-f-]{36}$/);
      expect(lines.find((l) => l.context === 'RoutesResolver')).toMatchObject({ level: 'info', service: 'spec' });
      expect(lines.filter((l) => l.msg === 'inside the handler').map((l) => [l.context, l.correlationId]))
        .toEqual([['Echo', 'corr-1'], ['Echo', id], ['Echo', expect.stringMatching(/^[0-9a-f-]{36}$/)]]);
      expect(access).toEqual([
        expect.objectContaining({ correlationId: 'corr-1', method: 'GET', route: '/echo/:id', statusCode: 200, durationMs: expect.any(Number), msg: expect.stringMatching(/^GET \/echo\/:id 200 [\d.]+ms$/) }),
        expect.objectContaining({ correlationId: id }),
        expect.objectContaining({ statusCode: 200 }),
        expect.objectContaining({ correlationId: 'corr-fail', route: '/fail', statusCode: 500 }),
      ]);
      expect(failed.statusCode).toBe(500);
      expect(lines.find((l) => l.level === 'error')).toMatchObject({ context: 'HTTP', correlationId: 'corr-fail', msg: 'handler failed, see postgres://u:[REDACTED]@db/carts',
        err: { type: 'Error', stack: expect.stringContaining('at EchoController.fail') } });
      expect(JSON.stringify(lines)).not.toMatch(/never-logged|fail-secret/);
    } finally {
      await app.close();
    }
  });
});

/** The one piece of an OpenTelemetry SDK this spec needs: a context that follows async calls. */
class AlsContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();
  active(): Context { return this.storage.getStore() ?? ROOT_CONTEXT; }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.storage.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(_ctx: Context, target: T): T { return target; }
  enable(): this { return this; }
  disable(): this { this.storage.disable(); return this; }
}
