import { randomUUID } from 'node:crypto';
import { encodeJson, topicNames, type CommandMessage, type CommandReply } from '@carts/contracts';
import { appendRawRecords, partitionForKey, readPartitionsToEnd } from '@carts/event-log';
import { ServiceProcess, waitFor } from '@carts/testing';
import { CartApi, ITEM } from './support/cart-api';
import { configFor, isolatedPrefix, kafkaFor, provision, readAllEvents, versionViolations } from './support/event-log';
import { writersSettled } from './support/invariants';

/**
 * Defence in depth behind the Kafka ACLs: records written to the topics by a plain producer — not
 * by the gateway or the writer's transactional producer — are refused (commands) or never given a
 * version (events), loudly and counted. docs/operations.md, "A record the services did not write".
 */
const PREFIX = isolatedPrefix('hostile');
const ENV = { KAFKA_TOPIC_PREFIX: PREFIX };
const TOPICS = topicNames(PREFIX);
const FORGED = 'forged-by-test';

describe('records the command service did not write', () => {
  let service: ServiceProcess;
  let api: CartApi;

  const started = async (): Promise<void> => {
    service = await ServiceProcess.start('command-service', ENV);
    api = new CartApi(service.url);
    await writersSettled(PREFIX, 1);
  };

  /**
   * A partition is restored when its first command arrives, which on a loaded box can outlast the
   * command's 5 s: a 503 says "retry with the same Idempotency-Key", as a client would.
   */
  const newCart = async (): Promise<string> => {
    const headers = { 'idempotency-key': randomUUID() };
    const created = await waitFor(() => api.createCart('c-1', headers), (r) => r.status !== 503, { timeoutMs: 60_000, intervalMs: 500, what: 'a cart created' });
    if (created.status !== 201) throw new Error(`could not create a cart: ${created.status} ${JSON.stringify(created.body)}`);
    return created.body.cartId;
  };

  beforeAll(async () => {
    await provision(PREFIX);
    await started();
  });

  afterAll(async () => {
    await service?.stop();
  });

  const counter = async (name: string, reason: string): Promise<number> => {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    return Number(new RegExp(`^${name}\\{[^}]*\\breason="${reason}"[^}]*\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  };

  it('answers invalid to a command on a partition its cart does not hash to, or with fields HTTP refuses; appends nothing; counts them', async () => {
    const cartId = await newCart();
    const partitions = configFor(PREFIX).kafka.partitions;
    const home = partitionForKey(cartId, partitions);
    const message = (commandId: string, command: unknown): Buffer => encodeJson({
      commandId, correlationId: commandId, cartId, customerId: 'c-1', command, replyPartition: 0, deadline: Date.now() + 60_000,
    } satisfies Omit<CommandMessage, 'command'> & { command: unknown });
    const ids = { elsewhere: randomUUID(), quantity: randomUUID(), sku: randomUUID() };
    const producer = kafkaFor(PREFIX).producer();
    await producer.connect();
    try {
      await producer.send({ topic: TOPICS.commands, acks: -1, messages: [
        { partition: (home + 1) % partitions, key: cartId, value: message(ids.elsewhere, { type: 'AddItem', data: ITEM }) },
        { partition: home, key: cartId, value: message(ids.quantity, { type: 'AddItem', data: { ...ITEM, quantity: 5000 } }) },
        { partition: home, key: cartId, value: message(ids.sku, { type: 'RemoveItem', data: { sku: '../etc/passwd' } }) },
      ] });
    } finally {
      await producer.disconnect();
    }

    // The point to wait for: the writer's replies, on the reply partition the records named.
    const wanted = new Set<string>(Object.values(ids));
    const replies = await waitFor(async () => {
      const found = new Map<string, CommandReply['outcome']>();
      await readPartitionsToEnd(kafkaFor(PREFIX), [{ topic: TOPICS.replies, partition: 0 }], (records) => {
        for (const r of records) {
          const reply = JSON.parse(r.value!.toString()) as CommandReply;
          if (wanted.has(reply.commandId)) found.set(reply.commandId, reply.outcome);
        }
      });
      return found;
    }, (found) => found.size === wanted.size, { what: 'the replies to the three hostile commands' });
    expect(replies.get(ids.elsewhere)).toEqual({ status: 'rejected', cartId, kind: 'invalid', code: 'MALFORMED_COMMAND',
      message: `Cart ${cartId} belongs to partition ${home}, not ${(home + 1) % partitions}`, version: 0 });
    expect(replies.get(ids.quantity)).toMatchObject({ kind: 'invalid', code: 'MALFORMED_COMMAND', message: expect.stringContaining('command.data.quantity'), version: 1 });
    expect(replies.get(ids.sku)).toMatchObject({ kind: 'invalid', code: 'MALFORMED_COMMAND', message: expect.stringContaining('path.sku'), version: 1 });
    expect((await readAllEvents(PREFIX)).filter((e) => e.cartId === cartId).map((e) => e.type)).toEqual(['CartCreated']);
    expect([await counter('writer_invalid_commands_total', 'wrong_partition'), await counter('writer_invalid_commands_total', 'invalid_fields')]).toEqual([1, 2]);
    expect((await api.addItem(cartId)).body).toEqual({ cartId, version: 2 });
  });

  it('a restore gives no version to a forged high version or a foreign type claiming the next one: the next command gets stored + 1', async () => {
    const cartId = await newCart();
    expect((await api.addItem(cartId)).body.version).toBe(2);
    const forged = (version: number, type: string, data: unknown) => ({ key: cartId, value: JSON.stringify({
      eventId: randomUUID(), type, schemaVersion: 1, cartId, version, occurredAt: new Date().toISOString(), commandId: FORGED, correlationId: FORGED, data }) });
    await appendRawRecords(kafkaFor(PREFIX), TOPICS.events, [
      forged(9, 'ItemAdded', { sku: 'forged-high', name: 'Forged', quantity: 1, unitPrice: 1, currency: 'EUR', lineQuantity: 1 }),
      forged(3, 'CartGiftWrapped', { paper: 'gold' }),
    ]);

    // The owner's state is in memory: the forged records matter when a partition is restored from the log.
    await service.stop();
    await started();

    expect((await api.addItem(cartId, { ...ITEM, sku: 'after' })).body.version).toBe(3);
    expect((await api.removeItem(cartId, 'forged-high')).body).toMatchObject({ code: 'ITEM_NOT_IN_CART' });
    expect((await api.checkout(cartId)).body.version).toBe(4);

    const partition = partitionForKey(cartId, configFor(PREFIX).kafka.partitions);
    const warned = service.logLines().filter((l) => l.msg.includes(`partition ${partition}: skipped`)).map((l) => `${l.level} ${l.msg}`);
    expect(warned).toEqual([expect.stringMatching(new RegExp(`^warn .*skipped 2 event record\\(s\\) while restoring that do not continue their cart \\(` +
      `\\S+ not_next_version: ItemAdded claiming version 9 of cart ${cartId}, which is at 2; \\S+ unknown_type: type CartGiftWrapped claiming version 3 of cart ${cartId}, which is at 2\\)`))]);
    expect([await counter('writer_restore_skipped_events_total', 'not_next_version'), await counter('writer_restore_skipped_events_total', 'unknown_type')]).toEqual([1, 1]);

    // What "no duplicate version" means with forged records in the log: the events the command
    // service wrote (every record but the test's forged ones) are 1..n per cart, without gap or
    // duplicate; the forged records are there too, claiming 9 and 3, and were given no version.
    const events = await readAllEvents(PREFIX);
    const ours = events.filter((e) => e.commandId !== FORGED);
    expect(ours.filter((e) => e.cartId === cartId).map((e) => [e.version, e.type])).toEqual([[1, 'CartCreated'], [2, 'ItemAdded'], [3, 'ItemAdded'], [4, 'CartCheckedOut']]);
    expect(versionViolations(ours)).toEqual([]);
    expect(events.filter((e) => e.commandId === FORGED).map((e) => [e.version, e.type])).toEqual([[9, 'ItemAdded'], [3, 'CartGiftWrapped']]);
  });
});
