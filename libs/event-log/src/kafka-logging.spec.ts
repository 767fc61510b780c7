import { logLevel } from 'kafkajs';
import { kafkaLogCreator, kafkaLogLevel, routeKafkaLogs, type KafkaLogEntry } from './kafka-logging';

const entry = (level: logLevel, message: string, error?: string) => ({
  namespace: 'Connection',
  level,
  label: 'ERROR',
  log: { timestamp: '2026-12-01T00:00:00.000Z', logger: 'kafkajs', message, ...(error ? { error } : {}) },
});

describe('kafkaLogLevel', () => {
  it('treats errors kafkajs retries by itself as debug, not alarms', () => {
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Response GroupCoordinator(key: 10, version: 2)', 'The group coordinator is not available'))).toBe('debug');
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Response JoinGroup(key: 11, version: 5)', "The coordinator is loading and hence can't process requests for this group"))).toBe('debug');
  });

  it('reports a refused broker connection as a warning', () => {
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Connection error: connect ECONNREFUSED 127.0.0.1:9092'))).toBe('warn');
  });

  it('reports a consumer crash on a retried error, which kafkajs restarts by itself, as a warning', () => {
    expect(kafkaLogLevel(entry(logLevel.ERROR, "Crash: KafkaJSProtocolError: The coordinator is loading and hence can't process requests for this group"))).toBe('warn');
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Restarting the consumer in 100ms'))).toBe('warn');
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Crash: KafkaJSProtocolError: Producer attempted an operation with an old epoch'))).toBe('error');
  });

  it('keeps every other error an error', () => {
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Response Produce(key: 0, version: 7)', 'Producer attempted an operation with an old epoch'))).toBe('error');
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Crash: KafkaJSNonRetriableError'))).toBe('error');
  });
});

describe('kafkaLogCreator', () => {
  it('passes errors and warnings on with their namespace and fields, and drops retried errors unless debugging', () => {
    const lines: Array<[string, KafkaLogEntry]> = [];
    const quiet = kafkaLogCreator(false, (level, e) => lines.push([level, e]))(logLevel.ERROR);
    quiet(entry(logLevel.ERROR, 'Response GroupCoordinator(key: 10, version: 2)', 'The group coordinator is not available'));
    quiet({ ...entry(logLevel.ERROR, 'Crash: KafkaJSNonRetriableError'), log: { ...entry(logLevel.ERROR, 'Crash: KafkaJSNonRetriableError').log, broker: 'b:9092', correlationId: 7 } });
    expect(lines).toEqual([['error', { namespace: 'Connection', message: 'Crash: KafkaJSNonRetriableError', fields: { broker: 'b:9092', kafkaCorrelationId: 7 } }]]);

    const verbose = kafkaLogCreator(true, (level, e) => lines.push([level, e]))(logLevel.DEBUG);
    verbose(entry(logLevel.ERROR, 'Response GroupCoordinator(key: 10, version: 2)', 'The group coordinator is not available'));
    expect(lines[1][0]).toBe('debug');
    expect(lines[1][1].fields).toEqual({ error: 'The group coordinator is not available' });
  });

  it('sends the lines of clients made without a sink where routeKafkaLogs says, from then on', () => {
    const routed: string[] = [];
    const log = kafkaLogCreator(false)(logLevel.ERROR);
    const previous = routeKafkaLogs((level, e) => routed.push(`${level} ${e.namespace} ${e.message}`));
    try {
      log(entry(logLevel.ERROR, 'Crash: KafkaJSNonRetriableError'));
    } finally {
      routeKafkaLogs(previous);
    }
    expect(routed).toEqual(['error Connection Crash: KafkaJSNonRetriableError']);
  });
});
