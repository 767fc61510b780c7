import { randomUUID } from 'node:crypto';
import { CartError, decide, evolve, initialState, type CartCommand, type CartState } from '@carts/domain';
import { envelope, type EventEnvelope } from '@carts/contracts';

/** mulberry32: a tiny seeded PRNG, so a stream is the same on every run and every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * What a session does next, as cumulative thresholds on one roll in [0, 1): below `addItem` it adds
 * an item, below `changeQuantity` it changes one, … below `abandon` it abandons; above, the session
 * ends with its cart left open.
 */
export interface CommandMix {
  readonly addItem: number;
  readonly changeQuantity: number;
  readonly removeItem: number;
  readonly checkout: number;
  readonly abandon: number;
}

/** Short sessions, every command type often: what the tests use. */
export const TEST_MIX: CommandMix = { addItem: 0.5, changeQuantity: 0.65, removeItem: 0.75, checkout: 0.88, abandon: 0.96 };
/** Longer sessions (~12 events per cart): what the bench loads. */
export const BENCH_MIX: CommandMix = { addItem: 0.62, changeQuantity: 0.78, removeItem: 0.91, checkout: 0.96, abandon: 0.985 };

export interface CartSessionOptions {
  readonly seed: number;
  readonly customers?: number;
  readonly skus?: number;
  /** Sessions in progress at once: how interleaved the carts' events are in the stream. */
  readonly concurrentSessions?: number;
  readonly startAt?: Date;
  readonly skuPrefix?: string;
  readonly mix?: CommandMix;
  /**
   * `seeded` (default): ids come from the seed too, so a stream is the same everywhere. `random`:
   * ids from `randomUUID`, the rest from the seed — for logs loaded again and again (the bench).
   */
  readonly ids?: 'seeded' | 'random';
}

export interface CartStreamOptions extends CartSessionOptions {
  /** Stop once at least this many events were produced (open sessions stay open). */
  readonly events: number;
}

interface Session {
  readonly cartId: string;
  state: CartState;
  version: number;
  readonly currency: string;
}

const CURRENCIES = ['EUR', 'EUR', 'EUR', 'GBP', 'USD', 'JPY'];

/**
 * Realistic cart traffic without the command service: sessions create a cart, add, change and
 * remove items, then check out, abandon, or stay open. Every event is decided by the domain's own
 * `decide` from the state folded by `evolve`, so the stream is one the write side could have
 * written (contiguous versions per cart, fixed currency, limits respected); ids and timestamps
 * come from the seed, so the same options give the same stream. The tests take a whole stream
 * (`generateCartEvents`); the bench streams a million events in chunks (`next`, `BENCH_MIX`).
 */
export class CartSessionGenerator {
  private readonly random: () => number;
  private readonly sessions: Session[] = [];
  private out: EventEnvelope[] = [];
  private clock: number;
  private readonly o: Required<CartSessionOptions>;
  /** Carts created and events produced so far. */
  carts = 0;
  events = 0;

  constructor(options: CartSessionOptions) {
    this.o = { customers: 200, skus: 60, concurrentSessions: 40, startAt: new Date('2026-01-01T00:00:00.000Z'), skuPrefix: 'SKU', mix: TEST_MIX, ids: 'seeded', ...options };
    this.random = seededRandom(options.seed);
    this.clock = this.o.startAt.getTime();
  }

  /** The next `count` events or a few more (a command's events are never split), in log order. */
  next(count: number): EventEnvelope[] {
    this.out = [];
    while (this.out.length < count) {
      if (this.sessions.length < this.o.concurrentSessions || this.random() < 0.05) this.open();
      const index = Math.floor(this.random() * this.sessions.length);
      const session = this.sessions[index];
      const command = this.nextCommand(session);
      if (command) this.apply(session, command);
      if (session.state.status === 'checked_out' || session.state.status === 'abandoned' || (command === null && this.random() < 0.5)) this.sessions.splice(index, 1);
    }
    this.events += this.out.length;
    return this.out;
  }

  /** Carts still open at this point of the stream (commands on them are accepted). */
  openCarts(): string[] {
    return this.sessions.filter((s) => s.state.status === 'open').map((s) => s.cartId);
  }

  private uuid(): string {
    if (this.o.ids === 'random') return randomUUID();
    const hex = Array.from({ length: 32 }, () => Math.floor(this.random() * 16).toString(16));
    hex[12] = '4';
    hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
    const s = hex.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  private open(): void {
    const session: Session = { cartId: this.uuid(), state: initialState, version: 0, currency: this.pick(CURRENCIES) };
    this.sessions.push(session);
    this.carts += 1;
    this.apply(session, { type: 'CreateCart', data: { customerId: `customer-${Math.floor(this.random() * this.o.customers)}` } });
  }

  /** null: the session ends here without checkout or abandon (an open cart left behind). */
  private nextCommand(session: Session): CartCommand | null {
    const state = session.state;
    if (state.status !== 'open') return null;
    const roll = this.random();
    const mix = this.o.mix;
    const line = state.lines.length > 0 ? this.pick(state.lines) : null;
    if (roll < mix.addItem || !line) return this.addItem(session);
    if (roll < mix.changeQuantity) return { type: 'ChangeItemQuantity', data: { sku: line.sku, quantity: Math.floor(this.random() * 6) } };
    if (roll < mix.removeItem) return { type: 'RemoveItem', data: { sku: line.sku } };
    if (roll < mix.checkout) return { type: 'Checkout', data: {} };
    if (roll < mix.abandon) return { type: 'Abandon', data: {} };
    return null;
  }

  private addItem(session: Session): CartCommand {
    const n = Math.floor(this.random() * this.o.skus);
    const sku = `${this.o.skuPrefix}-${String(n).padStart(3, '0')}`;
    // Prices are fixed per sku, with an occasional price change so names and prices do move.
    const repriced = this.random() < 0.05 ? 1 : 0;
    return { type: 'AddItem', data: { sku, name: `Product ${n}${repriced ? ' (new)' : ''}`, quantity: 1 + Math.floor(this.random() * 4), unitPrice: 199 + n * 37 + repriced * 10, currency: session.currency } };
  }

  private apply(session: Session, command: CartCommand): void {
    let events;
    try {
      events = decide(session.state, command);
    } catch (error) {
      if (error instanceof CartError) return;
      throw error;
    }
    const commandId = this.uuid();
    for (const event of events) {
      this.clock += 1 + Math.floor(this.random() * 50);
      session.state = evolve(session.state, event);
      session.version += 1;
      this.out.push(envelope(event, {
        eventId: this.uuid(), cartId: session.cartId, version: session.version, occurredAt: new Date(this.clock).toISOString(), commandId, correlationId: commandId,
      }));
    }
  }
}

export const generateCartEvents = ({ events, ...options }: CartStreamOptions): EventEnvelope[] => new CartSessionGenerator(options).next(events);
