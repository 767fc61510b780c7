import { parseArgs, positiveSeconds } from './args';
import { UsageError } from './context';
import { duration, table, thousands } from '@carts/operations';
import { ProgressBar } from './progress-bar';

describe('cartctl argument parsing', () => {
  it('takes positionals, valued options (both spellings) and bare flags', () => {
    const { positional, flags } = parseArgs(['cart-details', '--wait-projector', '3', '--in-place', '--projection=x'], ['wait-projector', 'projection'], ['in-place']);
    expect(positional).toEqual(['cart-details']);
    expect(Object.fromEntries(flags)).toEqual({ 'wait-projector': '3', 'in-place': true, projection: 'x' });
  });

  it.each([[['--nope']], [['--wait-projector']], [['--wait-projector', '--in-place']]])('refuses %p as a usage error', (argv) => {
    expect(() => parseArgs(argv, ['wait-projector'], ['in-place'])).toThrow(UsageError);
  });

  it('reads seconds, refusing nonsense', () => {
    expect(positiveSeconds(new Map([['w', '2.5']]), 'w', 10)).toBe(2.5);
    expect(positiveSeconds(new Map(), 'w', 10)).toBe(10);
    for (const bad of ['0', '-1', 'soon']) expect(() => positiveSeconds(new Map([['w', bad]]), 'w', 10)).toThrow('--w must be a number of seconds');
  });
});

describe('cartctl output', () => {
  it('formats numbers, durations and tables', () => {
    expect(thousands(1234567.4)).toBe('1,234,567');
    expect([duration(5), duration(125), duration(3725), duration(Infinity)]).toEqual(['00:05', '02:05', '1:02:05', '--:--']);
    expect(table(['A', 'LONGER'], [['xx', 1], ['y', 22]])).toEqual(['A   LONGER', 'xx  1', 'y   22']);
  });

  it('draws done/total log records, records per second over the last 5 s, and the ETA', () => {
    const written: string[] = [];
    const stream = { isTTY: false, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
    const bar = new ProgressBar(stream, 'g2');
    bar.update(0, 100_000, 1_000_000);
    bar.update(50_000, 100_000, 1_001_000);
    expect(bar.rate()).toBe(50_000);
    bar.update(60_000, 100_000, 1_002_500);
    expect(written).toEqual([
      'g2 [..............................]   0% 0/100,000 records  0 records/s  ETA --:--\n',
      'g2 [##################............]  60% 60,000/100,000 records  24,000 records/s  ETA 00:02\n',
    ]);
    bar.finish(100_000, 100_000);
    expect(written[2]).toMatch(/^g2 \[#{30}\] 100% 100,000\/100,000 records/);
  });
});
