import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { InfraError } from './infra-error';
import { findFreePorts } from './free-port';
import { ensureKafkaBroker, isKafkaReady, KafkaBrokerHandle } from './kafka-broker';
import { probeKafkaGeneration } from './kafka-probe';
import { selectedKafka } from './kafka-version';

const TOPIC = 'infra-broker-test';
// The very first run on a machine downloads the broker jars from Maven Central.
const FIRST_START_TIMEOUT_MS = 15 * 60_000;
// Each later step starts or stops a JVM on a busy 2-core machine.
const STEP_TIMEOUT_MS = 120_000;

// Kept, so tests can assert what the launcher said (a clean stop, no startup problems).
const said: string[] = [];
const log = (line: string): void => {
  said.push(line);
  process.stdout.write(`[kafka-test] ${line}\n`);
};
const kafkaVersion = selectedKafka().version;

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// 19192/19193 unless a concurrent run of this suite holds them (then a free pair elsewhere).
let mainPort: number;
let mainBrokers: string[];
let kafka: Kafka;

async function withAdmin<T>(work: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/** The first message a new consumer group sees, or a rejection after `withinMs`. */
async function consumeOne(groupId: string, withinMs = 30_000): Promise<{ key: string; value: string }> {
  const consumer = kafka.consumer({ groupId });
  let timer: NodeJS.Timeout | undefined;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    return await new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no message on ${TOPIC} within ${withinMs} ms`)), withinMs);
      void consumer.run({
        eachMessage: async ({ message }) => resolve({ key: String(message.key), value: String(message.value) }),
      });
    });
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
}

describe(`ensureKafkaBroker (real Kafka ${kafkaVersion} broker from Maven Central jars; KAFKA_VERSION picks the line)`, () => {
  let dataDir: string;
  let broker: KafkaBrokerHandle | undefined;

  beforeAll(async () => {
    mainPort = await findFreePorts(19192, 2);
    mainBrokers = [`127.0.0.1:${mainPort}`];
    kafka = new Kafka({ clientId: 'infra-broker-test', brokers: mainBrokers, logLevel: logLevel.NOTHING });
    dataDir = mkdtempSync(join(tmpdir(), 'kafka-broker-it-'));
    broker = await ensureKafkaBroker({ port: mainPort, dataDir, log });
  }, FIRST_START_TIMEOUT_MS);

  afterAll(async () => {
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }, STEP_TIMEOUT_MS);

  it('starts a broker that creates a topic and carries a keyed message end to end', async () => {
    expect(broker).toMatchObject({ brokers: mainBrokers, startedHere: true, version: kafkaVersion });
    expect(readFileSync(join(dataDir, 'kafka-version'), 'utf8').trim()).toBe(kafkaVersion);
    // What answers on the wire is that line (4.x no longer offers Fetch below v4).
    expect(await probeKafkaGeneration('127.0.0.1', mainPort)).toBe(selectedKafka().line === '4' ? '4.x' : '3.x or older');
    expect(existsSync(join(dataDir, 'broker.pid'))).toBe(true);

    await withAdmin((admin) => admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2 }], waitForLeaders: true }));
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: TOPIC, acks: -1, messages: [{ key: 'cart-1', value: 'hello' }] });
    await producer.disconnect();

    const group = `infra-broker-test-${process.pid}-${Date.now()}`;
    await expect(consumeOne(group)).resolves.toEqual({ key: 'cart-1', value: 'hello' });
  }, STEP_TIMEOUT_MS);

  it('reuses the broker already answering on the port instead of starting another', async () => {
    said.length = 0;
    const again = await ensureKafkaBroker({ port: mainPort, dataDir, log });
    expect(again.startedHere).toBe(false);
    expect(said).toContainEqual(expect.stringMatching(/^Reusing the Kafka broker already answering on .* \(Kafka (4\.x|3\.x or older)\)$/));
    expect(again.pid).toBeUndefined();
    expect(() => again.kill()).toThrow(InfraError);
    await again.stop();
    expect(await isKafkaReady(mainBrokers)).toBe(true);
  }, STEP_TIMEOUT_MS);

  it('stops cleanly and leaves no process or pid file behind', async () => {
    const pid = broker?.pid as number;
    expect(pidExists(pid)).toBe(true);
    said.length = 0;
    await broker?.stop();
    expect(pidExists(pid)).toBe(false);
    // The JVM exited on SIGTERM after its own shutdown; it was not killed after the grace period.
    expect(said).toEqual([expect.stringMatching(new RegExp(`^Kafka broker pid ${pid} stopped cleanly in`))]);
    expect(existsSync(join(dataDir, 'broker.pid'))).toBe(false);
    expect(await isKafkaReady(mainBrokers, 1000)).toBe(false);
  }, STEP_TIMEOUT_MS);

  it('refuses to start this data directory with the other version line, before any JVM runs', async () => {
    const other = selectedKafka().line === '4' ? '3.9' : '4';
    const attempt = ensureKafkaBroker({ port: mainPort, dataDir, log, kafkaVersion: other });
    await expect(attempt).rejects.toMatchObject({ code: 'KAFKA_VERSION_MISMATCH' });
    await expect(attempt).rejects.toThrow(`formatted by Kafka ${kafkaVersion}`);
    expect(await isKafkaReady(mainBrokers, 1000)).toBe(false);
  }, STEP_TIMEOUT_MS);

  it('restarts on the same data directory with its topic and messages intact, and a healthy log', async () => {
    said.length = 0;
    broker = await ensureKafkaBroker({ port: mainPort, dataDir, log });
    expect(broker.startedHere).toBe(true);
    // A restart after a clean stop recovers nothing: no corrupt record, no ERROR (4.4 once logged
    // `CorruptRecordException: Found record size 0` in __cluster_metadata-0 after a restart).
    expect(said.filter((line) => line.startsWith('WARNING'))).toEqual([]);
    expect(readFileSync(join(dataDir, 'logs', 'server.log'), 'utf8')).not.toMatch(/CorruptRecordException|\] ERROR /);
    const offsets = await withAdmin(async (admin) => {
      expect(await admin.listTopics()).toContain(TOPIC);
      return admin.fetchTopicOffsets(TOPIC);
    });
    const total = offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
    expect(total).toBe(1);
  }, STEP_TIMEOUT_MS);

  it('runs a second broker on other ports alongside the first', async () => {
    const otherDir = mkdtempSync(join(tmpdir(), 'kafka-broker-it-2-'));
    const port = await findFreePorts(19194, 2);
    const other = await ensureKafkaBroker({ port, dataDir: otherDir, log });
    try {
      expect(other.startedHere).toBe(true);
      expect(await isKafkaReady([`127.0.0.1:${port}`])).toBe(true);
      expect(await isKafkaReady(mainBrokers)).toBe(true);
    } finally {
      await other.stop();
      rmSync(otherDir, { recursive: true, force: true });
    }
  }, STEP_TIMEOUT_MS);

  it('fails with the broker log when the JVM fails before becoming ready', async () => {
    // Something that is not Kafka holds the port: the JVM cannot bind, logs a fatal error and exits
    // after its shutdown hooks (which can outlast any timeout on a loaded machine: the failure is
    // the fatal line, whichever of it and the exit the launcher sees first).
    const port = await findFreePorts(19196, 2);
    const squatter: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((done) => squatter.listen(port, '127.0.0.1', done));
    const failedDir = mkdtempSync(join(tmpdir(), 'kafka-broker-it-fail-'));
    try {
      const failure = ensureKafkaBroker({ port, dataDir: failedDir, log, readyTimeoutMs: 60_000 });
      await expect(failure).rejects.toMatchObject({ code: 'KAFKA_START_FAILED' });
      await expect(failure).rejects.toThrow(/(exited|failed) before becoming ready[\s\S]*Address already in use/);
      expect(existsSync(join(failedDir, 'broker.pid'))).toBe(false);
    } finally {
      await new Promise((done) => squatter.close(done));
      rmSync(failedDir, { recursive: true, force: true });
    }
  }, STEP_TIMEOUT_MS);
});
