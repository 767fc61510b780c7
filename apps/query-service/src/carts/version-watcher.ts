import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@carts/config';
import { CART_DETAILS, cartVersions, DATA_SOURCE, READ_MODEL_CHANNEL } from '@carts/read-model';
import { inSpan, isTracing, SpanAttr } from '@carts/tracing';
import { countWait, trackWaiting } from './read-your-writes-metrics';

interface Waiter {
  readonly cartId: string;
  readonly minVersion: number;
  readonly resolve: (version: number) => void;
}

const MAX_WAITERS = 10_000;
/** One caller cannot hold more than this many waits: the pool of waiters is everyone's. */
export const MAX_WAITERS_PER_CALLER = 100;
const RECONNECT_MS = 1000;

/**
 * Read-your-writes without a poll per request: ONE connection LISTENs on `read_model_changed`
 * (the projector's transaction notifies at commit), and each notification re-checks every waiting
 * cart with one query. A waiter registers before its first read, so no commit can slip between.
 */
@Injectable()
export class VersionWatcher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(VersionWatcher.name);
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly waitsByCaller = new Map<string, number>();
  private client: Client | null = null;
  private checking: Promise<void> | null = null;
  private checkAgain = false;
  private closed = false;
  private reconnectTimer?: NodeJS.Timeout;
  /** Since when the LISTEN connection is lost (0: connected): one line when it goes, one when it is back. */
  private lostSince = 0;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig, @Inject(DATA_SOURCE) private readonly ds: DataSource) {
    trackWaiting(() => this.count());
  }

  get listening(): boolean {
    return this.client !== null;
  }

  async onModuleInit(): Promise<void> {
    await this.connect().catch((error) => this.reconnectLater(error));
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    await this.client?.end().catch(() => undefined);
    for (const set of this.waiters.values()) for (const w of set) w.resolve(0);
  }

  /**
   * The version the read model has: at least `minVersion` as soon as it arrives, else what it has
   * after `waitMs`. Past the global or the caller's cap on waits, it answers at once. Traced as
   * `read-your-writes wait`, a child of the GET's span.
   */
  waitForVersion(cartId: string, minVersion: number, waitMs: number, caller = 'anonymous'): Promise<number> {
    if (!isTracing()) return this.waitUntil(cartId, minVersion, waitMs, caller);
    return inSpan('read-your-writes wait', { attributes: { [SpanAttr.cartId]: cartId, 'carts.wait.min_version': minVersion, 'carts.wait.max_ms': waitMs } }, async (span) => {
      const version = await this.waitUntil(cartId, minVersion, waitMs, caller);
      span.setAttribute('carts.cart.version', version);
      span.setAttribute('carts.wait.satisfied', version >= minVersion);
      return version;
    });
  }

  private async waitUntil(cartId: string, minVersion: number, waitMs: number, caller: string): Promise<number> {
    const callerWaits = this.waitsByCaller.get(caller) ?? 0;
    if (this.count() >= MAX_WAITERS || callerWaits >= MAX_WAITERS_PER_CALLER) {
      countWait('capped');
      return (await cartVersions(this.ds, [cartId])).get(cartId) ?? 0;
    }
    this.waitsByCaller.set(caller, callerWaits + 1);
    let waiter!: Waiter;
    const arrived = new Promise<number>((resolve) => (waiter = { cartId, minVersion, resolve }));
    const set = this.waiters.get(cartId) ?? new Set<Waiter>();
    set.add(waiter);
    this.waiters.set(cartId, set);
    let timer: NodeJS.Timeout | undefined;
    try {
      const now = (await cartVersions(this.ds, [cartId])).get(cartId) ?? 0;
      if (now >= minVersion) countWait('immediate');
      else if (waitMs === 0) countWait('timed_out', 0);
      if (now >= minVersion || waitMs === 0) return now;
      const started = performance.now();
      const timedOut = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), waitMs)));
      const version = await Promise.race([arrived, timedOut]);
      countWait(version === null ? 'timed_out' : 'arrived', (performance.now() - started) / 1000);
      return version ?? (await cartVersions(this.ds, [cartId])).get(cartId) ?? 0;
    } finally {
      clearTimeout(timer);
      const left = (this.waitsByCaller.get(caller) ?? 1) - 1;
      if (left === 0) this.waitsByCaller.delete(caller);
      else this.waitsByCaller.set(caller, left);
      set.delete(waiter);
      if (set.size === 0 && this.waiters.get(cartId) === set) this.waiters.delete(cartId);
    }
  }

  private count(): number {
    let n = 0;
    for (const set of this.waiters.values()) n += set.size;
    return n;
  }

  private async connect(): Promise<void> {
    const { url, connectTimeoutMs } = this.config.database;
    const client = new Client({ connectionString: url, application_name: 'carts-query-listen', connectionTimeoutMillis: connectTimeoutMs, keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
    client.on('notification', (message) => {
      if (message.payload === CART_DETAILS) this.recheck();
    });
    client.on('error', (error) => this.reconnectLater(error));
    client.on('end', () => this.reconnectLater(new Error('connection ended')));
    await client.connect();
    await client.query(`LISTEN ${READ_MODEL_CHANNEL}`);
    this.client = client;
    if (this.lostSince !== 0) this.logger.warn(`LISTEN connection back after ${Math.round((Date.now() - this.lostSince) / 1000)} s`);
    this.lostSince = 0;
    // Anything committed while we were not listening.
    this.recheck();
  }

  private reconnectLater(error: unknown): void {
    if (this.closed || this.reconnectTimer) return;
    if (this.lostSince === 0) this.logger.warn(`LISTEN connection lost (${(error as Error)?.message ?? error}); reconnecting every ${RECONNECT_MS / 1000} s`);
    this.lostSince ||= Date.now();
    const old = this.client;
    this.client = null;
    void old?.end().catch(() => undefined);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect().catch((e) => this.reconnectLater(e));
    }, RECONNECT_MS);
  }

  /** At most one check in flight; notifications arriving meanwhile coalesce into one more. */
  private recheck(): void {
    if (this.checking) {
      this.checkAgain = true;
      return;
    }
    this.checking = this.checkAll()
      .catch((error) => this.logger.warn(`re-check failed: ${error}`))
      .finally(() => {
        this.checking = null;
        if (this.checkAgain) {
          this.checkAgain = false;
          this.recheck();
        }
      });
  }

  private async checkAll(): Promise<void> {
    if (this.waiters.size === 0) return;
    const versions = await cartVersions(this.ds, [...this.waiters.keys()]);
    for (const [cartId, set] of this.waiters) {
      const version = versions.get(cartId) ?? 0;
      for (const waiter of set) if (version >= waiter.minVersion) waiter.resolve(version);
    }
  }
}
