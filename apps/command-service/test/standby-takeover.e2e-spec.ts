import { randomUUID } from 'node:crypto';
import { encodeEvent, envelope, topicNames } from '@carts/contracts';
import type { CartEvent } from '@carts/domain';
import { appendRawRecords, partitionForKey, type RawRecord } from '@carts/event-log';
import { ServiceProcess, waitFor } from '@carts/testing';
import { CartApi } from './support/cart-api';
import { configFor, isolatedPrefix, kafkaFor, provision, readAllEvents, versionViolations } from './support/event-log';
import { memberOf, writerGroup } from './support/invariants';

/**
 * With warm standbys, the survivor of a planned handover (SIGTERM) restores the moved partitions
 * from its standby copies and reads only the tail of the log, not their whole history.
 */
const PREFIX = isolatedPrefix('standby');
const ENV = { KAFKA_TOPIC_PREFIX: PREFIX, COMMAND_SESSION_TIMEOUT_MS: '6000', COMMAND_STANDBY_REPLICAS: 'true', LOG_LEVEL: 'log' };
const CARTS = 600;
const EVENTS_PER_CART = 10;
const RESTORED = /partition (\d+) restored: \d+ carts, \d+ events in \d+ ms \((.*)\)/g;

/** CARTS carts of EVENTS_PER_CART events each, written as the write side would have. */
function history(): { cartIds: string[]; records: RawRecord[] } {
  const cartIds = Array.from({ length: CARTS }, () => randomUUID());
  const records: RawRecord[] = [];
  for (const cartId of cartIds) {
    for (let version = 1; version <= EVENTS_PER_CART; version++) {
      const event: CartEvent = version === 1
        ? { type: 'CartCreated', data: { customerId: 'c-1' } } // CartApi's default customer: its commands are the owner's
        : { type: 'ItemAdded', data: { sku: `seed-${version}`, name: 'Seed', quantity: 1, unitPrice: 100, currency: 'EUR', lineQuantity: 1 } };
      const meta = { eventId: randomUUID(), cartId, version, occurredAt: new Date().toISOString(), commandId: 'seed', correlationId: 'seed' };
      records.push({ key: cartId, value: encodeEvent(envelope(event, meta)) });
    }
  }
  return { cartIds, records };
}

const restored = (service: ServiceProcess) =>
  [...service.output.matchAll(RESTORED)].map((m) => ({ partition: Number(m[1]), source: m[2] }));

describe('takeover from a warm standby', () => {
  let a: ServiceProcess;
  let b: ServiceProcess;

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('reads only the tail of the moved partitions, and their carts continue at the right version', async () => {
    await provision(PREFIX);
    const { cartIds, records } = history();
    await appendRawRecords(kafkaFor(PREFIX), topicNames(PREFIX).events, records);
    [a, b] = await ServiceProcess.all([ServiceProcess.start('command-service', ENV), ServiceProcess.start('command-service', ENV)]);
    const partitions = configFor(PREFIX).kafka.partitions;
    const members = await waitFor(() => writerGroup(PREFIX), (m) => m.length === 2 && m.every((x) => x.partitions.length > 0), { what: 'both instances owning partitions' });
    const ownedByA = memberOf(members, a.pid)!.partitions;
    const cartOf = new Map(ownedByA.map((p) => [p, cartIds.find((c) => partitionForKey(c, partitions) === p)!]));

    // A writes to its partitions (through B's HTTP), so the tail B must catch up is not empty.
    for (const cartId of cartOf.values()) expect((await new CartApi(b.url).addItem(cartId)).body.version).toBe(EVENTS_PER_CART + 1);
    b.output = ''; // from here on, only the takeover's lines
    await a.stop();
    for (const cartId of cartOf.values()) expect((await new CartApi(b.url).addItem(cartId, { sku: 'after', name: 'After', quantity: 1, unitPrice: 1, currency: 'EUR' })).body.version).toBe(EVENTS_PER_CART + 2);

    // b logs a restore before it replies, but the log line travels on another pipe than the reply.
    const restoredFromA = () => restored(b).filter((r) => ownedByA.includes(r.partition));
    const moved = await waitFor(restoredFromA, (m) => m.length >= ownedByA.length, { timeoutMs: 5000, what: "b's restore lines for a's partitions" }).catch(restoredFromA);
    expect(moved.map((r) => r.partition).sort()).toEqual([...ownedByA].sort());
    for (const { source } of moved) {
      // Each partition holds ~1,000 events (+ the idempotency topic's records); a warm standby
      // lacks at most A's few writes and their progress records.
      const caughtUp = /^from the standby \+ (\d+) records caught up$/.exec(source);
      expect(caughtUp).not.toBeNull();
      expect(Number(caughtUp![1])).toBeLessThan(50);
    }
    expect(versionViolations(await readAllEvents(PREFIX))).toEqual([]);
  });
});
