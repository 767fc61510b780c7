import { CONSUMER_GROUPS, topicNames, type CommandMessage } from '@carts/contracts';
import { partitionForKey, provisionTopics, readPartitionsToEnd } from '@carts/event-log';
import { ServiceProcess, waitFor } from '@carts/testing';
import { CartApi, correlation } from './support/cart-api';
import { configFor, isolatedPrefix, kafkaFor, readAllEvents, versionViolations } from './support/event-log';
import { acknowledgementViolations } from './support/invariants';
import type { Sent } from './support/load';

/**
 * Issue 9: the writer's progress record used to live in `cart-idempotency`, whose retention
 * deleted it once a partition had been idle for longer than IDEMPOTENCY_RETENTION_MS; the next
 * owner then processed the partition's commands again. Here the broker really deletes every
 * record of the partition's `cart-idempotency` (a retention of 2 s; the log cleaner applies it to
 * compact,delete topics every ~15 s), and a restarted instance must reprocess nothing.
 *
 * Two things that could hide a replay are taken away: the deadline refusal (commands carry a
 * deadline ~2 minutes ahead, checked below to be still ahead when the replay would happen), and
 * the group offset (only a hint, committed at most once a second, and expiring with
 * offsets.retention.minutes): the group is deleted, so without the progress record every command
 * of the partition would be processed again.
 */
const PREFIX = isolatedPrefix('idle-progress');
const ENV = { KAFKA_TOPIC_PREFIX: PREFIX, COMMAND_TIMEOUT_MS: '120000' };
const RETENTION_MS = 2000;
const report = (line: string) => process.stderr.write(`[idle-partition-progress] ${line}\n`);

async function offsetsOf(topic: string, partition: number): Promise<{ low: bigint; high: bigint }> {
  const admin = kafkaFor(PREFIX).admin();
  await admin.connect();
  try {
    const o = (await admin.fetchTopicOffsets(topic)).find((x) => x.partition === partition)!;
    return { low: BigInt(o.low), high: BigInt(o.high) };
  } finally {
    await admin.disconnect();
  }
}

async function commandsOf(partition: number): Promise<CommandMessage[]> {
  const commands: CommandMessage[] = [];
  await readPartitionsToEnd(kafkaFor(PREFIX), [{ topic: topicNames(PREFIX).commands, partition }], (records) => {
    for (const r of records) commands.push(JSON.parse(r.value!.toString()) as CommandMessage);
  });
  return commands;
}

describe('a partition idle for longer than the idempotency retention', () => {
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    // The topics as IDEMPOTENCY_RETENTION_MS=2000 would create them (the service's own setting
    // cannot go below a minute).
    await provisionTopics({ ...configFor(PREFIX).kafka, idempotencyRetentionMs: RETENTION_MS });
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('reprocesses nothing after a restart, once the broker deleted its idempotency records', async () => {
    const partitions = configFor(PREFIX).kafka.partitions;
    const topics = topicNames(PREFIX);
    service = await ServiceProcess.start('command-service', ENV);
    let api = new CartApi(service.url);
    const sent: Sent[] = [];
    const send = async (cartId: string, i: number) => {
      const headers: Record<string, string> = { ...correlation(), 'idempotency-key': `idle-${i}` };
      const r = await api.addItem(cartId, { sku: `sku-${i}`, name: 'Item', quantity: 1, unitPrice: 100, currency: 'EUR' }, headers);
      sent.push({ cartId, correlationId: headers['x-correlation-id'], status: r.status, version: r.body.version, at: Date.now() });
      return r;
    };
    const cartId = await api.newCart();
    const partition = partitionForKey(cartId, partitions);
    for (let i = 0; i < 5; i++) expect((await send(cartId, i)).status).toBe(200);
    expect((await offsetsOf(topics.idempotency, partition)).high).toBeGreaterThan(0n);

    await service.stop();
    const admin = kafkaFor(PREFIX).admin();
    await admin.connect();
    await admin.deleteGroups([CONSUMER_GROUPS.commandProcessor(PREFIX)]);
    await admin.disconnect();

    const idleSince = Date.now();
    const gone = await waitFor(() => offsetsOf(topics.idempotency, partition), (o) => o.high > 0n && o.low === o.high,
      { timeoutMs: 120_000, intervalMs: 500, what: `every record of ${topics.idempotency} partition ${partition} deleted by retention` });
    report(`${topics.idempotency}/${partition}: offsets [${gone.low}, ${gone.high}) deleted ${Date.now() - idleSince} ms after the last command`);

    service = await ServiceProcess.start('command-service', ENV);
    api = new CartApi(service.url);
    const after = await send(cartId, 99);
    expect(after.status).toBe(200);
    expect(after.body.version).toBe(1 + 5 + 1); // created, 5 items, this one: nothing was appended again

    const events = await readAllEvents(PREFIX);
    expect(versionViolations(events)).toEqual([]);
    expect(acknowledgementViolations(sent, events)).toEqual([]);
    expect(events.filter((e) => e.cartId === cartId)).toHaveLength(7);
    // The deadline could not have refused a replay: every command was still within it just now.
    const deadlines = (await commandsOf(partition)).map((c) => c.deadline);
    expect(deadlines).toHaveLength(1 + 5 + 1);
    expect(Math.min(...deadlines)).toBeGreaterThan(Date.now());
  });
});
