import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertSameLine, formattedVersion, recordFormattedVersion } from './kafka-data-version';
import { InfraError } from './infra-error';
import { kafkaDistribution, pomKafkaVersion, resolveKafkaLine } from './kafka-version';

const versions = { '4': '4.4.0', '3.9': '3.9.2' } as const;

describe('resolveKafkaLine (KAFKA_VERSION / --kafka-version)', () => {
  it.each([
    [undefined, '4'],
    ['', '4'],
    ['4', '4'],
    ['4.4', '4'],
    ['4.4.0', '4'],
    ['3.9', '3.9'],
    ['3.9.2', '3.9'],
  ])('%p → %s', (requested, line) => expect(resolveKafkaLine(requested, versions)).toBe(line));

  it.each(['3', '3.8', '3.9.1', '4.3', '5', 'latest'])('refuses %p with the supported versions', (requested) => {
    const attempt = () => resolveKafkaLine(requested, versions);
    expect(attempt).toThrow(InfraError);
    expect(attempt).toThrow(/Supported: 4 \(4\.4\.0\), 3\.9 \(3\.9\.2\)/);
  });
});

describe('kafkaDistribution', () => {
  const four = kafkaDistribution('4');
  const old = kafkaDistribution('3.9');

  it('reads each line’s exact version from its own POM and caches its jars apart', () => {
    expect(four.version).toMatch(/^4\.\d+\.\d+$/);
    expect(old.version).toMatch(/^3\.9\.\d+$/);
    expect(four.libDir).toMatch(new RegExp(`lib-${four.version}$`));
    expect(old.libDir).toMatch(new RegExp(`lib-${old.version}$`));
  });

  it('logs through log4j2 on 4.x and reload4j on 3.9', () => {
    expect(four.loggingArgs('broker')).toEqual([expect.stringMatching(/^-Dlog4j2\.configurationFile=.*infra\/kafka\/4\/log4j2\.properties$/)]);
    expect(old.loggingArgs('broker')).toEqual([expect.stringMatching(/^-Dlog4j\.configuration=file:.*infra\/kafka\/3\.9\/log4j\.properties$/)]);
  });

  it('knows where each tool’s main class lives in each line (the console producer moved in 4.0)', () => {
    expect(four.toolClasses['console-producer']).toBe('org.apache.kafka.tools.ConsoleProducer');
    expect(old.toolClasses['console-producer']).toBe('kafka.tools.ConsoleProducer');
    expect(four.toolClasses.topics).toBe('org.apache.kafka.tools.TopicCommand');
  });

  it('takes kafka.version from a POM', () => {
    expect(pomKafkaVersion('<properties>\n  <kafka.version> 4.4.0 </kafka.version>')).toBe('4.4.0');
    expect(() => pomKafkaVersion('<properties/>')).toThrow(InfraError);
  });
});

describe('a data directory stays with the version line that formatted it', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kafka-data-version-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts an unformatted directory and one formatted by the same line', () => {
    expect(formattedVersion(dir, false)).toBeUndefined();
    expect(() => assertSameLine(dir, undefined, kafkaDistribution('4'))).not.toThrow();
    recordFormattedVersion(dir, kafkaDistribution('4'));
    expect(() => assertSameLine(dir, formattedVersion(dir, true), kafkaDistribution('4'))).not.toThrow();
  });

  it('refuses 4.x on a 3.9 directory and 3.9 on a 4.x one, saying how to proceed', () => {
    writeFileSync(join(dir, 'kafka-version'), '3.9.2\n');
    expect(() => assertSameLine(dir, formattedVersion(dir, true), kafkaDistribution('4'))).toThrow(
      expect.objectContaining({ code: 'KAFKA_VERSION_MISMATCH', message: expect.stringMatching(/formatted by Kafka 3\.9\.2.*KAFKA_VERSION=3\.9/) }),
    );
    writeFileSync(join(dir, 'kafka-version'), '4.4.0\n');
    expect(() => assertSameLine(dir, formattedVersion(dir, true), kafkaDistribution('3.9'))).toThrow(/KAFKA_VERSION=4/);
  });

  it('takes a directory formatted before versions were recorded for 3.9 (the only line then)', () => {
    expect(() => assertSameLine(dir, formattedVersion(dir, true), kafkaDistribution('3.9'))).not.toThrow();
    expect(() => assertSameLine(dir, formattedVersion(dir, true), kafkaDistribution('4'))).toThrow(/KAFKA_VERSION=3\.9/);
  });
});
