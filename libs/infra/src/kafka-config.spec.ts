import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokerLogsDir, fatalStartupLine, newClusterId, serverProperties } from './kafka-config';
import { parseJavaMajor } from './kafka-jars';

const parse = (text: string): Map<string, string> =>
  new Map(
    text
      .split('\n')
      .filter((line) => line.includes('=') && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

describe('serverProperties', () => {
  const props = parse(serverProperties({ port: 19192, controllerPort: 19193, dataDir: '/tmp/k' }));

  it('describes a single-node KRaft broker+controller on loopback', () => {
    expect(props.get('process.roles')).toBe('broker,controller');
    expect(props.get('node.id')).toBe('1');
    expect(props.get('controller.quorum.voters')).toBe('1@127.0.0.1:19193');
    expect(props.get('listeners')).toBe('PLAINTEXT://127.0.0.1:19192,CONTROLLER://127.0.0.1:19193');
    expect(props.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:19192');
    expect(props.get('controller.listener.names')).toBe('CONTROLLER');
    expect(props.get('inter.broker.listener.name')).toBe('PLAINTEXT');
    expect(props.get('log.dirs')).toBe('/tmp/k/data');
  });

  it('makes every internal topic satisfiable by one replica and never auto-creates topics', () => {
    expect(props.get('offsets.topic.replication.factor')).toBe('1');
    expect(props.get('transaction.state.log.replication.factor')).toBe('1');
    expect(props.get('transaction.state.log.min.isr')).toBe('1');
    expect(props.get('auto.create.topics.enable')).toBe('false');
    expect(props.get('group.initial.rebalance.delay.ms')).toBe('0');
  });
});

describe('serverProperties of a cluster node', () => {
  const voters = '1@127.0.0.1:19493,2@127.0.0.1:19495,3@127.0.0.1:19497';
  const node = (size: number) => parse(serverProperties({ port: 19494, controllerPort: 19495, dataDir: '/tmp/c/node-2', node: { nodeId: 2, voters, size } }));

  it('is its own node id and ports, a voter of the quorum every node shares', () => {
    const props = node(3);
    expect(props.get('node.id')).toBe('2');
    expect(props.get('controller.quorum.voters')).toBe(voters);
    expect(props.get('listeners')).toBe('PLAINTEXT://127.0.0.1:19494,CONTROLLER://127.0.0.1:19495');
    expect(props.get('log.dirs')).toBe('/tmp/c/node-2/data');
  });

  it('keeps 3 replicas of the internal topics and of new topics, 2 in sync per write, and never elects a replica behind', () => {
    const props = node(3);
    expect(['offsets.topic.replication.factor', 'transaction.state.log.replication.factor', 'default.replication.factor'].map((k) => props.get(k))).toEqual(['3', '3', '3']);
    expect([props.get('transaction.state.log.min.isr'), props.get('min.insync.replicas')]).toEqual(['2', '2']);
    expect(props.get('unclean.leader.election.enable')).toBe('false');
    expect(node(5).get('offsets.topic.replication.factor')).toBe('3');
    expect(node(2).get('transaction.state.log.min.isr')).toBe('2');
  });
});

describe('newClusterId', () => {
  it('is a version 4 UUID as 22 base64url characters', () => {
    const id = newClusterId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const bytes = Buffer.from(id, 'base64url');
    expect(bytes).toHaveLength(16);
    expect(bytes[6] >> 4).toBe(4);
    expect(bytes[8] >> 6).toBe(2);
    expect(newClusterId()).not.toBe(id);
  });

  it('never begins with "-" over many ids (1 random id in 64 would)', () => {
    const ids = Array.from({ length: 20_000 }, () => newClusterId());
    expect(ids.filter((id) => id.startsWith('-'))).toEqual([]);
    // "_" is as likely as "-" was: the draw is redone for "-" only, not skewed elsewhere.
    expect(ids.some((id) => id.startsWith('_'))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('draws again when the bytes would begin with "-"', () => {
    const dash = Buffer.from('-7IR1O-elGNogDdKjZIabQ', 'base64url');
    const dashAgain = Buffer.from('-_IR1O-elGNogDdKjZIabQ', 'base64url');
    const good = Buffer.from('q1w2e3r4t5y6u7i8o9p0aQ', 'base64url');
    const draws = [dash, dashAgain, good];
    let calls = 0;
    const id = newClusterId(() => Buffer.from(draws[calls++]));
    expect(calls).toBe(3);
    expect(id.startsWith('-')).toBe(false);
    expect(id).toHaveLength(22);
  });
});

describe('parseJavaMajor', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['java version "1.8.0_392"', 8],
    ['openjdk version "21" 2023-09-19', 21],
    ['bash: java: command not found', undefined],
  ])('%s → %s', (output, major) => expect(parseJavaMajor(output)).toBe(major));
});

describe('fatalStartupLine', () => {
  const withLog = (text: string, check: (dataDir: string) => void) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kafka-config-spec-'));
    try {
      mkdirSync(brokerLogsDir(dataDir), { recursive: true });
      writeFileSync(join(brokerLogsDir(dataDir), 'stdout.log'), text);
      check(dataDir);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
  const fatal = '[2026-12-02 09:20:01,512] ERROR Exiting Kafka due to fatal exception during startup. (kafka.Kafka$)';

  it('finds the fatal line of the current start, before the JVM has exited', () =>
    withLog(`\n--- broker start 2026-12-02T09:20:00Z ---\n[x] INFO starting\n${fatal}\nCaused by: java.net.BindException: Address already in use\n`, (dir) =>
      expect(fatalStartupLine(dir)).toBe(fatal)));

  it('ignores an earlier start that failed, and a start still going', () =>
    withLog(`\n--- broker start 2026-12-02T09:00:00Z ---\n${fatal}\n\n--- broker start 2026-12-02T09:20:00Z ---\n[x] INFO starting\n`, (dir) =>
      expect(fatalStartupLine(dir)).toBeUndefined()));
});
