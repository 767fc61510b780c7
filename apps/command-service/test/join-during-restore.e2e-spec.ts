import { randomUUID } from 'node:crypto';
import { CONSUMER_GROUPS, encodeEvent, topicNames } from '@carts/contracts';
import { describeGroup, partitionForKey } from '@carts/event-log';
import { generateCartEvents, ServiceProcess, waitFor } from '@carts/testing';
import { CartApi } from './support/cart-api';
import { configFor, isolatedPrefix, kafkaFor, provision } from './support/event-log';
import { memberOf, writerGroup } from './support/invariants';

/**
 * Issue 9: a second instance joining the processor group while the first restores a partition
 * used to stall both — the restore swallowed the group's rebalance signal, the first instance
 * never rejoined and the second never got a partition. Standby replicas are off, so the restore
 * reads the whole partition. To be sure the join lands mid-restore, A is frozen (SIGSTOP) as soon
 * as it says it is restoring, and thawed only once B's JoinGroup is waiting at the coordinator.
 */
const PREFIX = isolatedPrefix('join-restore');
const SESSION_TIMEOUT_MS = 10_000;
const ENV = { KAFKA_TOPIC_PREFIX: PREFIX, COMMAND_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS), COMMAND_STANDBY_REPLICAS: 'false', COMMAND_TIMEOUT_MS: '5000',
  LOG_LEVEL: 'log', HTTP_ACCESS_LOG: 'false' }; // the test reads A's restore lines
/** The writer's heartbeat interval with this session timeout (PartitionWriter: a third, at most 3 s). */
const HEARTBEAT_MS = 3000;
const P = 0;
const EVENTS = 200_000;
const report = (line: string) => process.stderr.write(`[join-during-restore] ${line}\n`);

/**
 * Appends a realistic stream straight to cart-events partition P, in batches under the broker's
 * 1 MB limit. The generator's sessions are copied under fresh cart ids (generating 200,000 events
 * takes it ~25 s here, 20,000 ~1 s), so the restore folds 200,000 events of distinct carts.
 */
async function fillPartition(): Promise<void> {
  const sessions = generateCartEvents({ seed: 9, events: EVENTS / 10, concurrentSessions: 200 });
  const producer = kafkaFor(PREFIX).producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let copy = 0; copy < 10; copy++) {
      const ids = new Map<string, string>();
      const events = sessions.map((e) => {
        const cartId = ids.get(e.cartId) ?? ids.set(e.cartId, randomUUID()).get(e.cartId)!;
        return { key: cartId, value: encodeEvent({ ...e, cartId }), partition: P };
      });
      for (let i = 0; i < events.length; i += 2000) {
        await producer.send({ topic: topicNames(PREFIX).events, acks: -1, messages: events.slice(i, i + 2000) });
      }
    }
  } finally {
    await producer.disconnect();
  }
}

const processorGroup = () => describeGroup(kafkaFor(PREFIX), CONSUMER_GROUPS.commandProcessor(PREFIX), topicNames(PREFIX).commands);

/** A cart id on the given partition: a command for it makes that partition's owner restore it. */
function cartOn(partition: number, partitions: number): string {
  for (;;) {
    const id = randomUUID();
    if (partitionForKey(id, partitions) === partition) return id;
  }
}

describe('an instance joining while another restores a partition', () => {
  let a: ServiceProcess | undefined;
  let b: ServiceProcess | undefined;

  beforeAll(async () => {
    await provision(PREFIX);
    const started = Date.now();
    await fillPartition();
    report(`${EVENTS.toLocaleString('en-US')} events on partition ${P} in ${Date.now() - started} ms`);
  });

  afterAll(async () => {
    a?.signal('SIGCONT');
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('ends the restore with the rebalance: within the session timeout + 5 s both are members and every partition accepts a command', async () => {
    const partitions = configFor(PREFIX).kafka.partitions;
    a = await ServiceProcess.start('command-service', ENV);
    await waitFor(() => writerGroup(PREFIX), (m) => m.length === 1 && m[0].partitions.length === partitions, { what: 'A owning every partition' });

    // A command for partition P makes A restore it: 200,000 events, from offset 0.
    const trigger = new CartApi(a.url).addItem(cartOn(P, partitions)).catch(() => null);
    const restoring = new RegExp(`partition ${P} restoring\\b`);
    await waitFor(() => restoring.test(a!.output), Boolean, { timeoutMs: 30_000, intervalMs: 10, what: `A restoring partition ${P}` });
    a.signal('SIGSTOP');
    const frozenAt = Date.now();
    expect(a.output).not.toMatch(new RegExp(`partition ${P} restored:`));

    b = await ServiceProcess.start('command-service', ENV, { waitReady: false });
    await waitFor(processorGroup, (g) => g.state === 'PreparingRebalance', { timeoutMs: 60_000, intervalMs: 100, what: "B's join waiting at the coordinator" });
    const joinedAt = Date.now();
    // Thawed once A's next heartbeat is due (every HEARTBEAT_MS; kafkajs skips one sent sooner),
    // so the rebalance signal reaches A while the restore still has most of its work ahead.
    await waitFor(() => Date.now() - frozenAt, (ms) => ms > HEARTBEAT_MS, { what: "A's heartbeat due" });
    a.signal('SIGCONT');
    const deadline = joinedAt + SESSION_TIMEOUT_MS + 5000;

    const members = await waitFor(() => writerGroup(PREFIX), (m) => m.length === 2 && m.every((x) => x.partitions.length > 0),
      { timeoutMs: deadline - Date.now(), intervalMs: 100, what: 'A and B stable members owning partitions' });
    expect(memberOf(members, a.pid)).toBeDefined();
    expect(memberOf(members, b.pid)).toBeDefined();
    report(`stable ${Date.now() - joinedAt} ms after B joined: A [${memberOf(members, a.pid)!.partitions}], B [${memberOf(members, b.pid)!.partitions}]`);

    // A's restore of P was cut short by its group's signal, not finished and then noticed: the
    // rebalance, or (had A stayed frozen past its session) the coordinator no longer knowing it.
    expect(a.output).toMatch(new RegExp(`partition ${P} restore ended after \\d+ ms: (REBALANCE_IN_PROGRESS|UNKNOWN_MEMBER_ID|ILLEGAL_GENERATION)`));

    // Every partition accepts a command (through either instance: a command finds its partition's owner).
    const accepted = new Set<number>();
    const apis = [new CartApi(a.url), new CartApi(b.url)];
    while (accepted.size < partitions && Date.now() < deadline) {
      const created = await Promise.all(Array.from({ length: partitions * 4 }, (_, i) => apis[i % 2].createCart()));
      for (const r of created) if (r.status === 201) accepted.add(partitionForKey(r.body.cartId, partitions));
    }
    report(`every partition accepted a command ${Date.now() - joinedAt} ms after B joined`);
    expect([...accepted].sort()).toEqual(Array.from({ length: partitions }, (_, p) => p));
    expect(Date.now()).toBeLessThanOrEqual(deadline);

    await b.ready();
    await trigger;
    for (const line of a.output.split('\n').filter((l) => /partition \d+ restor|owns /.test(l))) report(`A: ${line}`);
  });
});
