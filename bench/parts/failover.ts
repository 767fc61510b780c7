import { CONSUMER_GROUPS } from '@carts/contracts';
import { readFileSync } from 'node:fs';
import { partitionForKey } from '@carts/event-log';
import { addItem, createCarts } from '../lib/carts-api';
import type { BenchContext } from '../lib/context';
import { startService, type BenchService } from '../lib/stack';
import { sleep } from '../lib/stats';
import { ensureLog } from './rebuild';

export interface Takeover {
  /** From the signal until a command on every moved partition succeeded through the survivor. */
  readonly allPartitionsMs: number;
  readonly firstPartitionMs: number;
  /** From the signal until the old owner's process was gone. */
  readonly exitMs: number;
  /** From the signal until the survivor logged its new assignment (failure detection + rebalance). */
  readonly rebalanceMs: number | null;
  /** The survivor's own "partition p restored … in N ms" figures for the moved partitions. */
  readonly restoreMs: number[];
  readonly restoredEvents: number;
  readonly partitions: number[];
}

export interface FailoverResults {
  readonly events: number;
  readonly sessionTimeoutMs: number;
  /** kill -9 of an instance: the Kafka session timeout must expire before anyone takes over. */
  readonly crash: Takeover;
  /** SIGTERM: the instance leaves the group at once, so this is takeover without failure detection. */
  readonly planned: Takeover;
}

const SESSION_TIMEOUT_MS = 6000;
const OWNS = /owns \S+ partitions \[([\d, ]*)\]/;
const RESTORED = /partition (\d+) restored: \d+ carts, (\d+) events in (\d+) ms/;

const ownedBy = (s: BenchService, since: number): number[] | null => {
  const line = s.matching(OWNS, since).pop();
  return line ? (OWNS.exec(line.text)?.[1] ?? '').split(',').filter((x) => x.trim() !== '').map(Number) : null;
};

/** Waits until the instances own disjoint sets of partitions covering all of them. */
async function settled(instances: BenchService[], since: number, partitions: number): Promise<number[][]> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const owned = instances.map((s) => ownedBy(s, since) ?? []);
    const all = owned.flat();
    if (all.length === partitions && new Set(all).size === partitions && owned.every((o) => o.length > 0)) return owned;
    if (Date.now() > deadline) throw new Error(`partitions did not settle: ${JSON.stringify(owned)}`);
    await sleep(100);
  }
}

/** One open cart per partition, created (and so every partition restored) through `via`. */
async function cartPerPartition(via: BenchService, partitions: number): Promise<Map<number, string>> {
  const byPartition = new Map<number, string>();
  for (let round = 0; byPartition.size < partitions && round < 5; round++) {
    for (const cartId of await createCarts(via.url, partitions * 8, 12)) byPartition.set(partitionForKey(cartId, partitions), cartId);
  }
  return byPartition;
}

async function measureTakeover(survivor: BenchService, carts: Map<number, string>, moved: number[], stop: () => Promise<void>): Promise<Takeover> {
  const started = Date.now();
  // Only once it is gone: a stopping instance still answers for its partitions until it has left.
  await stop();
  const exitMs = Date.now() - started;
  const done = await Promise.all(moved.map(async (partition) => {
    for (let attempt = 0; attempt < 10 && Date.now() - started < 180_000; attempt++) {
      const answer = await addItem(survivor.url, carts.get(partition) as string, attempt).catch(() => null);
      if (answer?.status === 200) return Date.now() - started;
    }
    throw new Error(`partition ${partition} was not taken over within 180 s`);
  }));
  const restored = survivor.matching(RESTORED, started).map((l) => RESTORED.exec(l.text) as RegExpExecArray).filter((m) => moved.includes(Number(m[1])));
  const owns = survivor.matching(OWNS, started)[0];
  return {
    allPartitionsMs: Math.max(...done), firstPartitionMs: Math.min(...done), exitMs, rebalanceMs: owns ? owns.at - started : null,
    restoreMs: restored.map((m) => Number(m[3])), restoredEvents: restored.reduce((s, m) => s + Number(m[2]), 0), partitions: moved,
  };
}

function processInfo(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
    const parent = readFileSync(`/proc/${ppid}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 80);
    return `alive, parent ${ppid}${ppid === String(process.pid) ? ' = this bench' : `: ${parent}`}`;
  } catch {
    return 'gone';
  }
}

/** The processor group as the broker sees it: appended when an instance fails to start. */
async function groupState(ctx: BenchContext): Promise<string> {
  const admin = ctx.env.kafka.admin();
  try {
    await admin.connect();
    const { groups } = await admin.describeGroups([CONSUMER_GROUPS.commandProcessor(ctx.env.config.kafka.topicPrefix)]);
    // Client ids end with the process id: say whose each member's process is, if it is still alive.
    const members = groups[0]?.members.map((m) => `${m.clientId} (${processInfo(Number(/(\d+)$/.exec(m.clientId)?.[1]))})`);
    return `processor group: ${groups[0]?.state}, members ${members?.join(', ')}`;
  } catch (error) {
    return `processor group: unknown (${error})`;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Two command-service instances over the full log; one is killed (-9), later one is stopped (SIGTERM). */
export async function runFailover(ctx: BenchContext): Promise<FailoverResults> {
  const loaded = await ensureLog(ctx);
  await ctx.stack.stop('command-service');
  ctx.log(`failover: ${await groupState(ctx)} (the pipeline's command service stopped)`);
  const env = { ...ctx.env.env, COMMAND_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS), COMMAND_TIMEOUT_MS: '60000' };
  const partitions = ctx.env.config.kafka.partitions;
  const instances: BenchService[] = [];
  try {
    const start = async (label: string) => {
      const service = await startService('command-service', env, undefined, label).catch(async (error: Error) => {
        throw new Error(`${error.message}\n${await groupState(ctx)}`);
      });
      instances.push(service);
      return service;
    };
    const a = await start('command-a');
    // B joins at once, while A may still be restoring the partitions of commands it re-reads: the
    // restore ends with the group's rebalance signal and A rejoins (see docs/architecture.md).
    const bStarted = Date.now();
    const b = await start('command-b');
    const [ownedByA] = await settled([a, b], bStarted, partitions);
    const carts = await cartPerPartition(a, partitions);
    await Promise.all([...carts.values()].map((cartId, i) => addItem(a.url, cartId, i)));
    ctx.log(`failover: A owns [${ownedByA}], B the rest; every partition restored (${loaded.totalRecords.toLocaleString('en-US')} records)`);
    ctx.log('failover: kill -9 A');
    const crash = await measureTakeover(b, carts, ownedByA, () => a.process.kill());
    const cStarted = Date.now();
    const c = await start('command-c');
    const [ownedByC] = await settled([c, b], cStarted, partitions);
    await Promise.all(ownedByC.map((p) => addItem(c.url, carts.get(p) as string)));
    ctx.log(`failover: SIGTERM C (owns [${ownedByC}])`);
    const planned = await measureTakeover(b, carts, ownedByC, () => c.process.stop());
    return { events: loaded.totalRecords, sessionTimeoutMs: SESSION_TIMEOUT_MS, crash, planned };
  } finally {
    await Promise.all(instances.map((s) => s.process.stop().catch(() => undefined)));
  }
}
