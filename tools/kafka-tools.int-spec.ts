import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { ensureKafkaJars } from '../libs/infra/src/kafka-jars';
import { selectedKafka } from '../libs/infra/src/kafka-version';

/**
 * Kafka's own first steps through `npm run kafka -- <tool>` (the built CLI, as a user runs it),
 * against the suite's broker (KAFKA_BROKERS from global set-up), with the jars of the selected
 * line (KAFKA_VERSION): some tool classes moved between 3.9 and 4.0, so each line runs it all.
 * Each call is a JVM start (~1.5 s with C1 only), so the steps share one topic and group.
 */
const CLI = path.join(__dirname, '..', 'dist', 'tools', 'kafka.js');
const kafka = selectedKafka();
const topic = `${process.env.KAFKA_TOPIC_PREFIX ?? ''}first-steps`;
const group = `${topic}.console`;

interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function kafkaCli(args: string[], input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

/** Asserts exit 0 (showing stderr when not) and returns stdout. */
async function ok(args: string[], input?: string): Promise<string> {
  const result = await kafkaCli(args, input);
  expect({ args, code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({ args, code: 0, stderr: '' });
  return result.stdout;
}

describe(`npm run kafka: Kafka ${kafka.version}'s own tools against the real broker`, () => {
  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
    // A suite pointed at an external KAFKA_BROKERS may not have fetched the tools' jars yet.
    await ensureKafkaJars(kafka, () => undefined);
  }, 15 * 60_000);

  it('prints its usage and exits non-zero when run without arguments', async () => {
    const result = await kafkaCli([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^usage: npm run kafka -- start\|stop\|status/);
    expect(result.stderr).toContain('topics|console-producer|console-consumer|consumer-groups|get-offsets');
  });

  it('creates, lists and describes a topic', async () => {
    expect(await ok(['topics', '--create', '--topic', topic, '--partitions', '2', '--replication-factor', '1'])).toContain(`Created topic ${topic}.`);
    expect((await ok(['topics', '--list'])).split('\n')).toContain(topic);
    expect(await ok(['topics', '--describe', '--topic', topic])).toMatch(new RegExp(`Topic: ${topic}\\s+TopicId: \\S+\\s+PartitionCount: 2`));
  });

  it('produces a keyed line with the console producer and consumes it from the beginning', async () => {
    await ok(['console-producer', '--topic', topic, '--property', 'parse.key=true', '--property', 'key.separator=:'], 'cart-1:hello kafka\n');
    const consumed = await ok([
      'console-consumer', '--topic', topic, '--from-beginning', '--group', group,
      '--max-messages', '1', '--timeout-ms', '30000', '--property', 'print.key=true',
    ]);
    expect(consumed.split('\n')).toContain('cart-1\thello kafka');
  });

  it('describes the console consumer’s group and the topic’s offsets', async () => {
    const described = await ok(['consumer-groups', '--describe', '--group', group]);
    // One record in one of the two partitions; the console consumer committed past it (lag 0).
    const rows = described.split('\n').filter((line) => line.startsWith(group)).map((line) => line.trim().split(/\s+/));
    expect(rows.map(([, t, partition, current, end, lag]) => ({ t, partition, current, end, lag })).sort((a, b) => a.partition.localeCompare(b.partition))).toEqual([
      expect.objectContaining({ t: topic, partition: '0', lag: '0' }),
      expect.objectContaining({ t: topic, partition: '1', lag: '0' }),
    ]);
    const offsets = (await ok(['get-offsets', '--topic', topic])).trim().split('\n').map((line) => Number(line.split(':').at(-1)));
    expect(offsets).toHaveLength(2);
    expect(offsets.reduce((sum, end) => sum + end, 0)).toBe(1);
  });
});
