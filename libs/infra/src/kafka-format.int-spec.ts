import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatStorageOnce, formattedClusterId, writeServerProperties } from './kafka-config';
import { ensureKafkaJars } from './kafka-jars';
import { KafkaDistribution, selectedKafka } from './kafka-version';

// The storage tool's own argument parser decides: a cluster id is formatted only if the parser
// takes it as the option's value, so these run the real kafka.tools.StorageTool.
describe('formatStorageOnce with the real storage tool', () => {
  const dirs: string[] = [];
  const kafka: KafkaDistribution = selectedKafka();

  beforeAll(async () => {
    await ensureKafkaJars(kafka, () => undefined);
  }, 15 * 60_000);

  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it.each([
    ['begins with "-"', '-7IR1O-elGNogDdKjZIabQ'],
    ['begins with "_"', '_7IR1O-elGNogDdKjZIabQ'],
    ['begins with "--"', '--IR1O-elGNogDdKjZIabQ'],
  ])('formats with a cluster id that %s', async (_what, clusterId) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kafka-format-'));
    dirs.push(dataDir);
    writeServerProperties({ port: 19392, controllerPort: 19393, dataDir });
    await formatStorageOnce(kafka, dataDir, () => undefined, clusterId);
    expect(existsSync(join(dataDir, 'data', 'meta.properties'))).toBe(true);
    expect(formattedClusterId(dataDir)).toBe(clusterId);
  }, 120_000);
});
