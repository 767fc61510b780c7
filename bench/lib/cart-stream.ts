import { randomUUID } from 'node:crypto';
import { CartError, decide, evolve, initialState, type CartCommand, type CartState } from '@carts/domain';
import { encodeEvent, envelope } from '@carts/contracts';
import { seededRandom } from '@carts/testing';

export interface EncodedEvent {
  readonly key: string;
  readonly value: Buffer;
}

interface Session {
  readonly cartId: string;
  state: CartState;
  version: number;
}

/**
 * An endless, realistic stream of cart events for loading `cart-events` fast, in chunks, without
 * holding a million envelopes in memory. Sessions (2,000 at a time, interleaved like real traffic)
 * create a cart, add, change and remove items, and about one in eleven commands ends the session
 * (checkout, abandon, or leaving the cart open): ~12 events per cart, so 1M events ≈ 85k carts.
 * Every event is decided by the domain's own `decide` on the state folded by `evolve`, so the
 * stream is one the write side could have written (contiguous versions, limits respected).
 */
export class CartStream {
  private readonly random: () => number;
  private readonly sessions: Session[] = [];
  private clock = Date.parse('2026-01-01T00:00:00.000Z');
  carts = 0;
  events = 0;

  constructor(seed = 42, private readonly concurrentSessions = 2000, private readonly customers = 20_000, private readonly skus = 500) {
    // The mix is the same on every run (ids are random: they only need to be unique).
    this.random = seededRandom(seed);
  }

  /** The next `count` events (a little more: a command's events are never split). */
  next(count: number): EncodedEvent[] {
    const out: EncodedEvent[] = [];
    while (out.length < count) {
      if (this.sessions.length < this.concurrentSessions) this.open(out);
      const index = Math.floor(this.random() * this.sessions.length);
      const session = this.sessions[index];
      const command = this.nextCommand(session.state);
      if (command) this.apply(session, command, out);
      if (!command || session.state.status !== 'open') {
        this.sessions[index] = this.sessions[this.sessions.length - 1];
        this.sessions.pop();
      }
    }
    this.events += out.length;
    return out;
  }

  /** Carts still open at this point of the stream (commands on them are accepted). */
  openCarts(): string[] {
    return this.sessions.filter((s) => s.state.status === 'open').map((s) => s.cartId);
  }

  private open(out: EncodedEvent[]): void {
    const session: Session = { cartId: randomUUID(), state: initialState, version: 0 };
    this.sessions.push(session);
    this.carts++;
    this.apply(session, { type: 'CreateCart', data: { customerId: `customer-${Math.floor(this.random() * this.customers)}` } }, out);
  }

  private nextCommand(state: CartState): CartCommand | null {
    if (state.status !== 'open') return null;
    const roll = this.random();
    const line = state.lines.length > 0 ? state.lines[Math.floor(this.random() * state.lines.length)] : null;
    if (roll < 0.62 || !line) return this.addItem(state.currency ?? 'EUR');
    if (roll < 0.78) return { type: 'ChangeItemQuantity', data: { sku: line.sku, quantity: 1 + Math.floor(this.random() * 5) } };
    if (roll < 0.91) return { type: 'RemoveItem', data: { sku: line.sku } };
    if (roll < 0.96) return { type: 'Checkout', data: {} };
    if (roll < 0.985) return { type: 'Abandon', data: {} };
    return null;
  }

  private addItem(currency: string): CartCommand {
    const n = Math.floor(this.random() * this.skus);
    return { type: 'AddItem', data: { sku: `SKU-${String(n).padStart(4, '0')}`, name: `Product ${n} — ${['small', 'medium', 'large'][n % 3]}`,
      quantity: 1 + Math.floor(this.random() * 3), unitPrice: 199 + n * 37, currency } };
  }

  private apply(session: Session, command: CartCommand, out: EncodedEvent[]): void {
    let events;
    try {
      events = decide(session.state, command);
    } catch (error) {
      if (error instanceof CartError) return;
      throw error;
    }
    const commandId = randomUUID();
    for (const event of events) {
      this.clock += 1 + Math.floor(this.random() * 20);
      session.state = evolve(session.state, event);
      session.version += 1;
      const env = envelope(event, { eventId: randomUUID(), cartId: session.cartId, version: session.version, occurredAt: new Date(this.clock).toISOString(), commandId, correlationId: commandId });
      out.push({ key: session.cartId, value: encodeEvent(env) });
    }
  }
}
