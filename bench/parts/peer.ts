import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { dropDatabase, ensureDatabase, parseDatabaseUrl } from '@carts/infra';
import { terminate } from '../../libs/infra/src/processes';
import { freePort, waitFor } from '@carts/testing';
import { createCarts } from '../lib/carts-api';
import type { BenchContext } from '../lib/context';
import { measureCpu, postgresCommits } from '../lib/cpu-usage';
import { runHttpLoad, type LoadResult } from '../lib/http-load';
import { round } from '../lib/stats';
import type { CommandResults } from './commands';

/** The peer's figures, measured in the same run as our command load, with the same load. */
export interface PeerResults {
  readonly peer: 'Emmett 0.42.0 + emmett-postgresql (inline Pongo projection)';
  readonly load: LoadResult & {
    readonly connections: number;
    readonly carts: number;
    /** Cores per process group during the load (the peer's process, its database's backends, …). */
    readonly cpu: Record<string, number>;
    readonly pgCommitsPerSecond: number;
  };
  /** CPU milliseconds per 2xx command, per process group, for ours and the peer (cores ÷ commands/s). */
  readonly cpuPerCommandMs: { readonly ours: Record<string, number>; readonly peer: Record<string, number> };
  /** Ours ÷ peer: above 1 means ours is higher (better for throughput, worse for latency and CPU). */
  readonly oursToPeer: { readonly throughput: number; readonly p50: number; readonly p99: number; readonly cpuPerCommand: number };
}

const WARM_UP_SECONDS = 3;
const MAIN = path.resolve(__dirname, '../peers/emmett/main.js');
// Groups that never work for the service under test (the measuring side, other people's work).
const NOT_THE_SERVICE = new Set(['load generator', 'bench probes', 'other processes', 'postgres (other databases)', 'cartctl']);
/** Ours: every other group (services, broker, this run's PostgreSQL). */
export const OUR_GROUPS = (group: string): boolean => !NOT_THE_SERVICE.has(group);
/** The peer: its process and PostgreSQL only (our broker and services idle meanwhile, they are not its cost). */
export const PEER_GROUPS = (group: string): boolean => ['emmett peer', 'postgres', 'postgres (background)'].includes(group);

/** ms of CPU per command for each process group that works for the service, plus their total. */
export function cpuPerCommand(cpu: Record<string, number>, perSecond: number, counts: (group: string) => boolean): Record<string, number> {
  if (perSecond <= 0) return {};
  const groups = Object.entries(cpu).filter(([group]) => counts(group));
  const perCommand = Object.fromEntries(groups.map(([group, cores]) => [group, round((cores * 1000) / perSecond, 3)]));
  return { ...perCommand, total: round(groups.reduce((sum, [, cores]) => sum + (cores * 1000) / perSecond, 0), 3) };
}

const ratio = (ours: number, peer: number): number => (peer > 0 ? round(ours / peer, 2) : NaN);

/** The peer as its own OS process, on its own database; ready once /health/ready answers. */
async function startPeer(databaseUrl: string): Promise<{ url: string; pid: number; output: () => string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, PEER_DATABASE_URL: databaseUrl, PEER_PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-5000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  child.once('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => void (await terminate(child.pid ?? -1, { graceMs: 10_000, child }));
  try {
    await waitFor(async () => exited || (await fetch(`${url}/health/ready`).then((r) => r.ok, () => false)), (done) => done, { timeoutMs: 60_000, intervalMs: 100, what: 'the Emmett peer ready' });
    if (exited) throw new Error(`the Emmett peer exited:\n${output}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid: child.pid ?? -1, output: () => output, stop };
}

/**
 * The same AddItem load as ours (autocannon in its own process, same connections, seconds, number
 * of carts, carts created first, 3 s warm-up) against the Emmett peer on its own database
 * `carts_peer_<run>`, dropped afterwards. Runs right after our command load.
 */
export async function runPeerLoad(ctx: BenchContext, ours: CommandResults): Promise<PeerResults> {
  const databaseUrl = parseDatabaseUrl(ctx.env.databaseUrl).on(`carts_peer_${ctx.env.run}`);
  await ensureDatabase(databaseUrl);
  try {
    const peer = await startPeer(databaseUrl);
    try {
      const started = Date.now();
      const carts = await createCarts(peer.url, ours.carts);
      ctx.log(`peer: created ${carts.length.toLocaleString('en-US')} carts in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      const { connections, commandSeconds } = ctx.options.sizes;
      const spec = { url: peer.url, kind: 'add-item' as const, carts, connections };
      ctx.log(`peer: ${WARM_UP_SECONDS} s warm-up, then ${commandSeconds} s of AddItem on Emmett over ${carts.length.toLocaleString('en-US')} carts, ${connections} connections`);
      await runHttpLoad({ ...spec, seconds: WARM_UP_SECONDS });
      const [commits, since] = [await postgresCommits(databaseUrl), Date.now()];
      const cpuMeter = measureCpu(new Map([[peer.pid, 'emmett peer']]), databaseUrl);
      const load = await runHttpLoad({ ...spec, seconds: commandSeconds });
      const cpu = await cpuMeter.stop();
      const pgCommitsPerSecond = Math.round(((await postgresCommits(databaseUrl)) - commits) / ((Date.now() - since) / 1000));
      if (load.errors > 0) ctx.log(`peer: ${load.errors} errors (statuses ${JSON.stringify(load.statuses)}); its output:\n${peer.output().slice(-1500)}`);
      const cpuPerCommandMs = { ours: cpuPerCommand(ours.cpu, ours.perSecond, OUR_GROUPS), peer: cpuPerCommand(cpu, load.perSecond, PEER_GROUPS) };
      return {
        peer: 'Emmett 0.42.0 + emmett-postgresql (inline Pongo projection)',
        load: { ...load, connections, carts: carts.length, cpu, pgCommitsPerSecond },
        cpuPerCommandMs,
        oursToPeer: { throughput: ratio(ours.perSecond, load.perSecond), p50: ratio(ours.p50, load.p50), p99: ratio(ours.p99, load.p99), cpuPerCommand: ratio(cpuPerCommandMs.ours.total ?? 0, cpuPerCommandMs.peer.total ?? 0) },
      };
    } finally {
      await peer.stop();
    }
  } finally {
    await dropDatabase(databaseUrl).catch((error) => ctx.log(`peer: could not drop its database: ${error}`));
  }
}
