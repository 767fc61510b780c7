import { decodeEvent, encodeEvent } from '@carts/contracts';
import { BENCH_MIX, CartSessionGenerator, generateCartEvents } from './cart-session-generator';

describe('cart session generator', () => {
  const events = generateCartEvents({ seed: 7, events: 5000 });

  it('is deterministic: the same seed gives the same stream', () => {
    expect(generateCartEvents({ seed: 7, events: 5000 })).toEqual(events);
    expect(generateCartEvents({ seed: 8, events: 5000 })).not.toEqual(events);
  });

  it('gives every cart contiguous versions from 1, starting with CartCreated, interleaved with other carts', () => {
    const versions = new Map<string, number>();
    let switches = 0;
    events.forEach((e, i) => {
      expect(e.version).toBe((versions.get(e.cartId) ?? 0) + 1);
      if (e.version === 1) expect(e.type).toBe('CartCreated');
      versions.set(e.cartId, e.version);
      if (i > 0 && events[i - 1].cartId !== e.cartId) switches++;
    });
    expect(versions.size).toBeGreaterThan(300);
    expect(switches).toBeGreaterThan(events.length / 2);
  });

  it('writes only records the contracts accept, unchanged by a round trip', () => {
    for (const e of events) expect(decodeEvent(encodeEvent(e))).toEqual({ kind: 'event', event: e });
  });

  it('streams in chunks the same events as one call, and counts carts', () => {
    const generator = new CartSessionGenerator({ seed: 7 });
    const chunks = [generator.next(1000), generator.next(1500), generator.next(2500)].flat();
    expect(chunks.slice(0, events.length)).toEqual(events);
    expect(generator.events).toBe(chunks.length);
    expect(generator.carts).toBe(new Set(chunks.map((e) => e.cartId)).size);
    const open = generator.openCarts();
    const lastType = new Map(chunks.map((e) => [e.cartId, e.type]));
    for (const cartId of open) expect(['CartCheckedOut', 'CartAbandoned']).not.toContain(lastType.get(cartId));
  });

  it('gives the bench longer sessions and fresh ids on every load', () => {
    const load = () => new CartSessionGenerator({ seed: 42, mix: BENCH_MIX, concurrentSessions: 200, ids: 'random' }).next(20_000);
    const [first, second] = [load(), load()];
    expect(first.map((e) => e.type)).toEqual(second.map((e) => e.type));
    expect(first[0].cartId).not.toBe(second[0].cartId);
    const carts = new Set(first.map((e) => e.cartId)).size;
    expect(first.length / carts).toBeGreaterThan(2 * (events.length / new Set(events.map((e) => e.cartId)).size));
  });
});
