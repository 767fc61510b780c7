import { Kafka as KafkaJs, logLevel, type SASLOptions } from 'kafkajs';
import { topicNames } from '@carts/contracts';
import { commandProcessorTransactionalIdPrefix, readPartitionsToEnd, type Kafka } from '@carts/event-log';
import { startSecuredKafka, type SecuredKafka } from '@carts/testing';

/** Why a kafkajs call failed, as one string: its error type, its cause's, and the messages. */
async function failureOf(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
  } catch (error) {
    const e = error as { type?: string; message?: string; cause?: { type?: string; message?: string } };
    return [e.type, e.message, e.cause?.type, e.cause?.message].filter(Boolean).join(' | ');
  }
  return 'succeeded';
}

async function produce(kafka: Kafka, topic: string, options: { transactionalId?: string } = {}): Promise<void> {
  const producer = kafka.producer(options.transactionalId ? { transactionalId: options.transactionalId, idempotent: true, maxInFlightRequests: 1 } : { retry: { retries: 0 } });
  await producer.connect();
  try {
    if (!options.transactionalId) {
      await producer.send({ topic, acks: -1, messages: [{ key: 'acl-test', value: 'x' }] });
      return;
    }
    const tx = await producer.transaction();
    try {
      await tx.send({ topic, acks: -1, messages: [{ key: 'acl-test', value: 'x' }] });
      await tx.commit();
    } catch (error) {
      await tx.abort().catch(() => undefined);
      throw error;
    }
  } finally {
    await producer.disconnect();
  }
}

/**
 * A client of `principal` that keeps the broker's error codes kafkajs only logs: it turns
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED on FindCoordinator into "Failed to find group coordinator".
 */
function clientKeepingErrors(kafka: SecuredKafka, principal: 'command-service' | 'projector'): { client: KafkaJs; seen: string[] } {
  const seen: string[] = [];
  const config = kafka.configAs(principal);
  const client = new KafkaJs({
    clientId: `acl-test-${principal}`,
    brokers: config.brokers,
    sasl: config.sasl as SASLOptions,
    retry: { retries: 1, initialRetryTime: 100 },
    logLevel: logLevel.DEBUG,
    logCreator: () => ({ log }) => {
      const error = (log as { error?: { type?: string } | string }).error;
      const type = typeof error === 'object' ? error?.type : error;
      if (type) seen.push(String(type));
    },
  });
  return { client, seen };
}

/**
 * Least privilege between the parts, against a real broker with SASL/SCRAM and ACLs on
 * (StandardAuthorizer, allow.everyone.if.no.acl.found=false): only the command service writes.
 */
describe('Kafka ACLs: one principal per service', () => {
  let kafka: SecuredKafka;
  let topics: ReturnType<typeof topicNames>;

  beforeAll(async () => {
    kafka = await startSecuredKafka('acls');
    topics = topicNames(kafka.prefix);
  }, 15 * 60_000);

  afterAll(async () => {
    await kafka?.stop();
  });

  it("refuses the projector's principal when it produces to cart-events", async () => {
    const failure = await failureOf(() => produce(kafka.kafkaAs('projector', 'acl-test'), topics.events));
    expect(failure).toMatch(/TOPIC_AUTHORIZATION_FAILED|not authorized/i);
  });

  it("refuses cartctl's principal any write: cart-events, cart-commands", async () => {
    for (const topic of [topics.events, topics.commands]) {
      const failure = await failureOf(() => produce(kafka.kafkaAs('cartctl', 'acl-test'), topic));
      expect(failure).toMatch(/TOPIC_AUTHORIZATION_FAILED|not authorized/i);
    }
  });

  it('refuses a client without credentials (the query service has none)', async () => {
    const admin = kafka.kafkaAs('none', 'acl-test').admin();
    const failure = await failureOf(async () => {
      await admin.connect();
      await admin.listTopics();
    });
    await admin.disconnect().catch(() => undefined);
    expect(failure).not.toBe('succeeded');
  });

  it('lets the projector and cartctl read cart-events, in private groups under the prefix', async () => {
    for (const principal of ['projector', 'cartctl'] as const) {
      let records = 0;
      await readPartitionsToEnd(kafka.kafkaAs(principal, 'acl-test'), [{ topic: topics.events, partition: 0 }], (batch) => void (records += batch.length));
      expect(records).toBeGreaterThanOrEqual(0);
    }
  });

  it("lets the command service write cart-events only under its processors' transactional ids", async () => {
    const commandService = kafka.kafkaAs('command-service', 'acl-test');
    await produce(commandService, topics.events, { transactionalId: `${commandProcessorTransactionalIdPrefix(kafka.prefix)}0` });

    const foreign = clientKeepingErrors(kafka, 'command-service');
    expect(await failureOf(() => produce(foreign.client, topics.events, { transactionalId: `${kafka.prefix}someone-else-0` }))).not.toBe('succeeded');
    expect(foreign.seen).toContain('TRANSACTIONAL_ID_AUTHORIZATION_FAILED');

    const projector = clientKeepingErrors(kafka, 'projector');
    expect(await failureOf(() => produce(projector.client, topics.events, { transactionalId: `${commandProcessorTransactionalIdPrefix(kafka.prefix)}1` }))).not.toBe('succeeded');
    // kafkajs reports it as CLUSTER_AUTHORIZATION_FAILED (InitProducerId) or TRANSACTIONAL_ID_…: refused either way.
    expect(projector.seen.join(' ')).toMatch(/AUTHORIZATION_FAILED|authorization failed/i);
  });
});
