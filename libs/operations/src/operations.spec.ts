import { encodeEvent, envelope } from '@carts/contracts';
import type { LogRecord } from '@carts/event-log';
import { describeRecord } from './cart-history';
import { RateWindow } from './rate-window';

const record = (offset: string, value: Buffer | string | null): LogRecord =>
  ({ topic: 't', partition: 0, offset, key: 'cart-1', value: typeof value === 'string' ? Buffer.from(value) : value, timestamp: String(Date.UTC(2026, 0, 2)) });
const meta = { eventId: 'e-1', cartId: 'cart-1', version: 2, occurredAt: '2026-01-01T00:00:02.000Z', commandId: 'c', correlationId: 'c' };

describe('a cart\'s history, one line per record (what cartctl events prints and the console shows)', () => {
  it('an event: version, offset, when, type and data', () => {
    const cart = { version: 1 };
    const entry = describeRecord(record('41', encodeEvent(envelope({ type: 'CartCreated', data: { customerId: 'c-1' } }, meta))), cart);
    expect(cart.version).toBe(2);
    expect(entry).toMatchObject({ version: 2, type: 'CartCreated', at: meta.occurredAt, data: { customerId: 'c-1' }, note: null });
    expect(entry.line).toBe(`v2   offset 41  2026-01-01T00:00:02.000Z  CartCreated         {"customerId":"c-1"}`);
  });

  it('an event that does not continue its cart (a forged version, or a repeat) takes no version, and says so', () => {
    const cart = { version: 0 };
    const forged = describeRecord(record('9', encodeEvent(envelope({ type: 'CartCreated', data: { customerId: 'c-1' } }, meta))), cart);
    expect(forged.note).toBe('does not continue v0: takes no version; the projections park it');
    expect(forged.line).toMatch(/CartCreated .* \(does not continue v0: takes no version; the projections park it\)$/);
    expect(cart.version).toBe(0);
    const repeat = describeRecord(record('10', encodeEvent(envelope({ type: 'CartCreated', data: { customerId: 'c-1' } }, meta))), { version: 2 });
    expect(repeat.note).toBe('repeats v2: takes no version');
  });

  it('an unknown type and an unreadable record say so, with the record\'s own timestamp', () => {
    const unknown = describeRecord(record('7', JSON.stringify({ ...meta, type: 'CartGiftWrapped', schemaVersion: 1, data: {} })));
    expect(unknown).toMatchObject({ version: 2, type: 'CartGiftWrapped', note: 'unknown type: takes no version; the projections park it' });
    expect(unknown.line).toBe('v2   offset 7  2026-01-02T00:00:00.000Z  CartGiftWrapped (unknown type: takes no version; the projections park it)');
    const broken = describeRecord(record('8', '{not json'));
    expect(broken).toMatchObject({ version: null, type: null, note: 'unreadable: value is not valid JSON' });
    expect(broken.line).toBe('?    offset 8  2026-01-02T00:00:00.000Z  UNREADABLE: value is not valid JSON');
  });
});

describe('RateWindow', () => {
  it('measures over the last 5 s and gives the ETA it implies', () => {
    const w = new RateWindow();
    expect([w.rate(), w.etaSeconds(100)]).toEqual([0, null]);
    w.add(0, 1_000);
    w.add(1_000, 2_000);
    expect(w.rate()).toBe(1_000);
    expect(w.etaSeconds(5_000)).toBe(4);
    // Older samples leave the window: a slowdown shows at once.
    w.add(1_100, 8_000);
    w.add(1_200, 9_000);
    expect(w.rate()).toBeCloseTo(100, 5);
  });

  it('starts again when the counter goes back (a rerun from offset 0)', () => {
    const w = new RateWindow();
    w.add(5_000, 1_000);
    w.add(9_000, 2_000);
    w.add(100, 3_000);
    expect(w.rate()).toBe(0);
    w.add(600, 4_000);
    expect(w.rate()).toBe(500);
  });
});
