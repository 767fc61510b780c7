import { logLevel, type LogEntry, type logCreator } from 'kafkajs';

interface ProtocolError { readonly message: string; readonly retriable: boolean }
// kafkajs' own table of broker error codes: the ones it retries by itself. Not in its typings.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { errorCodes } = require('kafkajs/src/protocol/error') as { errorCodes: ProtocolError[] };
const RETRIED_BY_KAFKAJS = new Set(errorCodes.filter((e) => e.retriable).map((e) => e.message));
const CONNECTION_TROUBLE = /^Connection (error|timeout)|ECONNREFUSED|ECONNRESET|Closed connection/;

export type KafkaLogLine = (level: 'error' | 'warn' | 'debug', line: string) => void;

const toStderr: KafkaLogLine = (level, line) => void process.stderr.write(`${line}\n`);

/**
 * The level a kafkajs entry deserves. kafkajs logs every failed request at ERROR, including the
 * ones it retries itself (a coordinator still loading on every start, a broker connection refused
 * while it restarts); those are expected weather, not alarms. What kafkajs gives up on reaches
 * our code as an exception or a consumer crash, which is logged (and reported) there.
 */
export function kafkaLogLevel(entry: Pick<LogEntry, 'level' | 'log'>): 'error' | 'warn' | 'debug' | 'info' {
  const error = typeof entry.log.error === 'string' ? entry.log.error : '';
  if (entry.level === logLevel.ERROR && RETRIED_BY_KAFKAJS.has(error)) return 'debug';
  if (entry.level <= logLevel.WARN && (CONNECTION_TROUBLE.test(error) || CONNECTION_TROUBLE.test(entry.log.message))) return 'warn';
  if (entry.level === logLevel.ERROR) return 'error';
  return entry.level === logLevel.WARN ? 'warn' : entry.level === logLevel.DEBUG ? 'debug' : 'info';
}

/** One JSON line per entry, as kafkajs prints them, at the level `kafkaLogLevel` gives it. */
export function kafkaLogCreator(debug: boolean, sink: KafkaLogLine = toStderr): logCreator {
  return () => (entry) => {
    const level = kafkaLogLevel(entry);
    if (level === 'info' || (level === 'debug' && !debug)) return;
    const { timestamp, message, ...extra } = entry.log;
    sink(level, JSON.stringify({ level: level.toUpperCase(), timestamp, logger: 'kafkajs', namespace: entry.namespace, message, ...extra }));
  };
}
