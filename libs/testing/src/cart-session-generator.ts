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

export interface CartStreamOptions {
  readonly seed: number;
  /** Stop once at least this many events were produced (open sessions stay open). */
  readonly events: number;
  readonly customers?: number;
  readonly skus?: number;
  /** Sessions in progress at once: how interleaved the carts' events are in the stream. */
  readonly concurrentSessions?: number;
  readonly startAt?: Date;
  readonly skuPrefix?: string;
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
 * come from the seed, so the same options give the same stream.
 */
export class CartSessionGenerator {
  private readonly random: () => number;
  private readonly sessions: Session[] = [];
  private readonly out: EventEnvelope[] = [];
  private clock: number;
  private readonly o: Required<CartStreamOptions>;

  constructor(options: CartStreamOptions) {
    this.o = { customers: 200, skus: 60, concurrentSessions: 40, startAt: new Date('2026-01-01T00:00:00.000Z'), skuPrefix: 'SKU', ...options };
    this.random = seededRandom(options.seed);
    this.clock = this.o.startAt.getTime();
  }

  generate(): EventEnvelope[] {
    while (this.out.length < this.o.events) {
      if (this.sessions.length < this.o.concurrentSessions || this.random() < 0.05) this.open();
      const index = Math.floor(this.random() * this.sessions.length);
      const session = this.sessions[index];
      const command = this.nextCommand(session);
      if (command) this.apply(session, command);
      if (session.state.status === 'checked_out' || session.state.status === 'abandoned' || (command === null && this.random() < 0.5)) this.sessions.splice(index, 1);
    }
    return this.out;
  }

  private uuid(): string {
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
    this.apply(session, { type: 'CreateCart', data: { customerId: `customer-${Math.floor(this.random() * this.o.customers)}` } });
  }

  /** null: the session ends here without checkout or abandon (an open cart left behind). */
  private nextCommand(session: Session): CartCommand | null {
    const state = session.state;
    if (state.status !== 'open') return null;
    const roll = this.random();
    const line = state.lines.length > 0 ? this.pick(state.lines) : null;
    if (roll < 0.5 || !line) return this.addItem(session);
    if (roll < 0.65) return { type: 'ChangeItemQuantity', data: { sku: line.sku, quantity: Math.floor(this.random() * 6) } };
    if (roll < 0.75) return { type: 'RemoveItem', data: { sku: line.sku } };
    if (roll < 0.88) return { type: 'Checkout', data: {} };
    if (roll < 0.96) return { type: 'Abandon', data: {} };
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

export const generateCartEvents = (options: CartStreamOptions): EventEnvelope[] => new CartSessionGenerator(options).generate();
