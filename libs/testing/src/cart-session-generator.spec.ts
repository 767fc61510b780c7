import { decodeEvent, encodeEvent } from '@carts/contracts';
import { generateCartEvents } from './cart-session-generator';

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
});
