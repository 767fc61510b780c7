import { logLevel } from 'kafkajs';
import { kafkaLogCreator, kafkaLogLevel } from './kafka-logging';

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

  it('keeps every other error an error', () => {
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Response Produce(key: 0, version: 7)', 'Producer attempted an operation with an old epoch'))).toBe('error');
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Crash: KafkaJSNonRetriableError'))).toBe('error');
  });
});

describe('kafkaLogCreator', () => {
  it('prints errors and warnings as JSON lines and drops retried errors unless debugging', () => {
    const lines: Array<[string, string]> = [];
    const quiet = kafkaLogCreator(false, (level, line) => lines.push([level, line]))(logLevel.ERROR);
    quiet(entry(logLevel.ERROR, 'Response GroupCoordinator(key: 10, version: 2)', 'The group coordinator is not available'));
    quiet(entry(logLevel.ERROR, 'Crash: KafkaJSNonRetriableError'));
    expect(lines).toHaveLength(1);
    expect(lines[0][0]).toBe('error');
    expect(JSON.parse(lines[0][1])).toMatchObject({ level: 'ERROR', logger: 'kafkajs', namespace: 'Connection', message: 'Crash: KafkaJSNonRetriableError' });

    const verbose = kafkaLogCreator(true, (level, line) => lines.push([level, line]))(logLevel.DEBUG);
    verbose(entry(logLevel.ERROR, 'Response GroupCoordinator(key: 10, version: 2)', 'The group coordinator is not available'));
    expect(lines[1][0]).toBe('debug');
  });
});
