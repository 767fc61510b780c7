import { logLevel, type LogEntry, type logCreator } from 'kafkajs';

interface ProtocolError { readonly message: string; readonly retriable: boolean }
// kafkajs' own table of broker error codes: the ones it retries by itself. Not in its typings.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { errorCodes } = require('kafkajs/src/protocol/error') as { errorCodes: ProtocolError[] };
const RETRIED_BY_KAFKAJS = new Set(errorCodes.filter((e) => e.retriable).map((e) => e.message));
const CONNECTION_TROUBLE = /^Connection (error|timeout)|ECONNREFUSED|ECONNRESET|Closed connection/;

/** One kafkajs entry: its namespace (Connection, Consumer, ...), message and extra fields. */
export interface KafkaLogEntry {
  readonly namespace: string;
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

export type KafkaLogSink = (level: 'error' | 'warn' | 'debug', entry: KafkaLogEntry) => void;

/** Without a service logger (cartctl, tools, tests): one JSON line on stderr, named like a service's. */
const toStderr: KafkaLogSink = (level, { namespace, message, fields }) =>
  void process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), context: 'kafkajs', namespace, msg: message, ...fields })}\n`);

let routed: KafkaLogSink = toStderr;

/**
 * Where the kafkajs clients of this process log from now on; a service routes them into its own
 * logger at boot. Process-wide on purpose: a process has one log, and kafkajs clients are made in
 * many places (`createKafka`), none of which should need to carry a logger for kafkajs' sake.
 * Returns the sink it replaces.
 */
export function routeKafkaLogs(sink: KafkaLogSink): KafkaLogSink {
  const previous = routed;
  routed = sink;
  return previous;
}

/**
 * The level a kafkajs entry deserves. kafkajs logs every failed request at ERROR, including the
 * ones it retries itself (a coordinator still loading on every start, a broker connection refused
 * while it restarts); those are expected weather, not alarms. What kafkajs gives up on reaches
 * our code as an exception or a consumer crash, which is logged (and reported) there.
 */
export function kafkaLogLevel(entry: Pick<LogEntry, 'level' | 'log'>): 'error' | 'warn' | 'debug' | 'info' {
  const error = typeof entry.log.error === 'string' ? entry.log.error : '';
  if (entry.level === logLevel.ERROR && RETRIED_BY_KAFKAJS.has(error)) return 'debug';
  // A consumer that crashed on such an error is restarted by kafkajs itself: a warning, not an alarm.
  const crashedOn = /^Crash: \w+: (.*)$/.exec(entry.log.message)?.[1];
  if (entry.level === logLevel.ERROR && ((crashedOn && RETRIED_BY_KAFKAJS.has(crashedOn)) || /^Restarting the consumer in \d+ms$/.test(entry.log.message))) return 'warn';
  if (entry.level <= logLevel.WARN && (CONNECTION_TROUBLE.test(error) || CONNECTION_TROUBLE.test(entry.log.message))) return 'warn';
  if (entry.level === logLevel.ERROR) return 'error';
  return entry.level === logLevel.WARN ? 'warn' : entry.level === logLevel.DEBUG ? 'debug' : 'info';
}

/**
 * kafkajs' logCreator: each entry at the level `kafkaLogLevel` gives it, to `sink` (else to where
 * `routeKafkaLogs` sent this process's kafkajs lines). kafkajs' own `correlationId` (a protocol
 * request number) becomes `kafkaCorrelationId`: `correlationId` is the HTTP request's in our logs.
 */
export function kafkaLogCreator(debug: boolean, sink?: KafkaLogSink): logCreator {
  return () => (entry) => {
    const level = kafkaLogLevel(entry);
    if (level === 'info' || (level === 'debug' && !debug)) return;
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { timestamp, logger, message, correlationId, ...fields } = entry.log as LogEntry['log'] & { logger?: unknown; correlationId?: unknown };
    (sink ?? routed)(level, { namespace: entry.namespace, message, fields: correlationId === undefined ? fields : { ...fields, kafkaCorrelationId: correlationId } });
  };
}
