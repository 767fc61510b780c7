import { partitionForKey } from '@carts/event-log';
import { ServiceProcess, waitFor } from '@carts/testing';
import { CartApi, correlation } from './support/cart-api';
import { configFor, isolatedPrefix, provision, readAllEvents, versionViolations } from './support/event-log';
import { acknowledgementViolations, countBy, memberOf, writerGroup } from './support/invariants';
import { runLoad, type Sent } from './support/load';

/**
 * A stale owner: an instance frozen (SIGSTOP) while it writes, until the group gives its
 * partitions to the other instance, then thawed (SIGCONT). It wakes up in the middle of its old
 * work, with an old epoch and old state: the broker must refuse whatever it tries to append.
 */
const PREFIX = isolatedPrefix('stale-owner');
const ENV = { KAFKA_TOPIC_PREFIX: PREFIX, COMMAND_SESSION_TIMEOUT_MS: '6000', COMMAND_TIMEOUT_MS: '4000' };
const report = (line: string) => process.stderr.write(`[stale-owner] ${line}\n`);

describe('a stale owner woken after its partitions were reassigned', () => {
  let a: ServiceProcess;
  let b: ServiceProcess;
  let stopLoad: (() => void) | undefined;

  beforeAll(async () => {
    await provision(PREFIX);
    [a, b] = await Promise.all([ServiceProcess.start('command-service', ENV), ServiceProcess.start('command-service', ENV)]);
  });

  afterAll(async () => {
    stopLoad?.();
    a?.signal('SIGCONT');
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('is fenced: it appends nothing, no cart gets a duplicate version, and it serves again once it rejoins', async () => {
    const partitions = configFor(PREFIX).kafka.partitions;
    const members = await waitFor(() => writerGroup(PREFIX), (m) => m.length === 2 && m.every((x) => x.partitions.length > 0), { what: 'both instances owning partitions' });
    const ownedByA = new Set(memberOf(members, a.pid)!.partitions);
    const api = new CartApi(b.url);
    const carts = await Promise.all(Array.from({ length: 24 }, () => api.newCart()));
    const cartsOfA = carts.filter((c) => ownedByA.has(partitionForKey(c, partitions)));

    // Load through b only, so a's writer is busy with commands for its partitions when it freezes.
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    stopLoad = finish;
    const progress: Sent[] = [];
    const load = runLoad({ carts, total: 0, concurrency: 16, urls: () => [b.url], until: finished, maxMs: 90_000, onResult: (s) => progress.push(s) });
    await waitFor(() => progress.filter((s) => s.status === 200 && cartsOfA.includes(s.cartId)).length, (n) => n >= 200, { what: 'a writing under load' });

    a.signal('SIGSTOP');
    const stoppedAt = Date.now();
    await waitFor(() => writerGroup(PREFIX), (m) => m.length === 1 && memberOf(m, b.pid)?.partitions.length === partitions, { timeoutMs: 30_000, what: 'b owning every partition' });
    await waitFor(() => progress.filter((s) => s.at > stoppedAt && s.status === 200 && cartsOfA.includes(s.cartId)).length, (n) => n >= 50, { what: "b writing a's carts" });
    report(`b took over ${Date.now() - stoppedAt} ms after SIGSTOP`);

    a.signal('SIGCONT');
    await waitFor(() => writerGroup(PREFIX), (m) => m.length === 2, { timeoutMs: 30_000, what: 'a back in the group' });
    const backOnA = await waitFor(async () => {
      const headers = correlation();
      const r = await new CartApi(a.url).addItem(cartsOfA[0], { sku: 'back', name: 'Back', quantity: 1, unitPrice: 1, currency: 'EUR' }, headers);
      return { cartId: cartsOfA[0], correlationId: headers['x-correlation-id'], status: r.status, version: r.body.version, at: Date.now() };
    }, (s) => s.status === 200, { timeoutMs: 30_000, what: 'a serving again' });
    finish();
    const sent = [...(await load), backOnA];

    // It woke up holding commands it had fetched before freezing, and tried to append them.
    const fenced = a.output.split('\n').filter((line) => /transaction failed \((INVALID_PRODUCER_EPOCH|PRODUCER_FENCED)/.test(line));
    report(`${sent.length} commands: ${JSON.stringify(countBy(sent, (s) => s.status))}; the woken instance was refused ${fenced.length} transaction(s)`);
    expect(fenced.length).toBeGreaterThan(0);
    const events = await readAllEvents(PREFIX);
    expect(versionViolations(events)).toEqual([]);
    expect(acknowledgementViolations(sent, events)).toEqual([]);
  });
});
