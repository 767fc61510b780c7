import { partitionForKey } from '@carts/event-log';
import { ServiceProcess, waitFor } from '@carts/testing';
import { CartApi, correlation } from './support/cart-api';
import { configFor, isolatedPrefix, provision, readAllEvents, versionViolations } from './support/event-log';
import { acknowledgementViolations, countBy, memberOf, writerGroup } from './support/invariants';
import { runLoad, type Sent } from './support/load';
import { collectLines } from './support/output-lines';
import { describeTransactions, sameTransaction, writerTransactionalId, type TransactionView } from './support/transactions';

/**
 * A stale owner: an instance frozen (SIGSTOP) inside a transaction, until the group gives its
 * partitions to the other instance, then thawed (SIGCONT). It wakes up in the middle of its old
 * work, with an old epoch and old state: the broker must refuse whatever it tries to append.
 */
const PREFIX = isolatedPrefix('stale-owner');
const ENV = { KAFKA_TOPIC_PREFIX: PREFIX, COMMAND_SESSION_TIMEOUT_MS: '6000', COMMAND_TIMEOUT_MS: '4000' };
const FENCED = /transaction failed \((INVALID_PRODUCER_EPOCH|PRODUCER_FENCED)/;
const report = (line: string) => process.stderr.write(`[stale-owner] ${line}\n`);

/** A freeze that lands as a transaction ends (its EndTxn already sent) is undone and retried. */
const FREEZE_ATTEMPTS = 15;
/**
 * A frozen process sends nothing more, and the coordinator ends a transaction whose EndTxn was
 * already on the wire within milliseconds: one still Ongoing and unchanged this long after the
 * freeze is held open by the frozen process. Short next to the 6 s session, so a freeze that
 * missed is undone before the group notices.
 */
const CONFIRM_MS = 1000;

/**
 * SIGSTOPs `service` while the broker shows one of its transactions open, and proves it stays
 * open (see CONFIRM_MS); otherwise SIGCONT, wait until it has written again, and retry. Returns
 * the transactions it holds, in the coordinator's words.
 */
async function freezeInsideATransaction(service: ServiceProcess, ids: readonly string[], wroteSince: (at: number) => number): Promise<{ held: TransactionView[]; attempt: number; frozenAt: number }> {
  const open = async () => (await describeTransactions(PREFIX, ids)).filter((t) => t.state === 'Ongoing');
  for (let attempt = 1; attempt <= FREEZE_ATTEMPTS; attempt++) {
    await waitFor(open, (views) => views.length > 0, { intervalMs: 5, what: `one of ${service.name}'s transactions open` });
    service.signal('SIGSTOP');
    const frozenAt = Date.now();
    const first = await open();
    await new Promise((resolve) => setTimeout(resolve, CONFIRM_MS));
    const second = await open();
    const held = first.filter((t) => second.some((u) => u.transactionalId === t.transactionalId && sameTransaction(t, u)));
    if (held.length > 0) return { held, attempt, frozenAt };
    report(`freeze ${attempt} missed: ${first.length} transaction(s) open at the freeze, none still open ${CONFIRM_MS} ms later; thawed, retrying`);
    service.signal('SIGCONT');
    const resumed = Date.now();
    await waitFor(() => wroteSince(resumed), (n) => n >= 10, { what: `${service.name} writing again after a freeze that missed` });
  }
  throw new Error(`${service.name} was frozen ${FREEZE_ATTEMPTS} times and never held an open transaction: fencing could not be exercised`);
}

/** The coordinator has given each held transactional id a new epoch (or producer id): its holder is fenced. */
const fencedByBroker = (held: readonly TransactionView[], now: readonly TransactionView[]): boolean =>
  held.every((h) => now.some((v) => v.transactionalId === h.transactionalId && (v.producerId !== h.producerId || v.producerEpoch > h.producerEpoch)));

const show = (views: readonly TransactionView[]) => views.map((v) => `${v.transactionalId} (producer ${v.producerId} epoch ${v.producerEpoch}, ${v.partitions.length} partitions)`).join(', ');

describe('a stale owner woken after its partitions were reassigned', () => {
  let a: ServiceProcess;
  let b: ServiceProcess;
  let fenced: string[];
  let stopLoad: (() => void) | undefined;

  beforeAll(async () => {
    await provision(PREFIX);
    [a, b] = await ServiceProcess.all([ServiceProcess.start('command-service', ENV), ServiceProcess.start('command-service', ENV)]);
    fenced = collectLines(a, FENCED);
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

    // Frozen with a transaction open, by the broker's own account: on waking, a continues it.
    const wroteOnA = (since: number) => progress.filter((s) => s.at > since && s.status === 200 && cartsOfA.includes(s.cartId)).length;
    const { held, attempt, frozenAt: stoppedAt } = await freezeInsideATransaction(a, [...ownedByA].map((p) => writerTransactionalId(PREFIX, p)), wroteOnA);
    report(`a froze on attempt ${attempt} holding ${show(held)}`);
    await waitFor(() => writerGroup(PREFIX), (m) => m.length === 1 && memberOf(m, b.pid)?.partitions.length === partitions, { timeoutMs: 30_000, what: 'b owning every partition' });
    const ids = held.map((h) => h.transactionalId);
    await waitFor(() => describeTransactions(PREFIX, ids), (now) => fencedByBroker(held, now), { timeoutMs: 30_000, what: `b fencing ${ids.join(', ')}` });
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

    // It woke up inside its transaction and tried to finish it: the broker refused.
    await waitFor(() => fenced.length, (n) => n > 0, { timeoutMs: 10_000, what: 'the woken instance refused by the broker' }).catch(() => undefined);
    report(`${sent.length} commands: ${JSON.stringify(countBy(sent, (s) => s.status))}; the woken instance was refused ${fenced.length} transaction(s)`);
    expect(fenced.length).toBeGreaterThan(0);
    const events = await readAllEvents(PREFIX);
    expect(versionViolations(events)).toEqual([]);
    expect(acknowledgementViolations(sent, events)).toEqual([]);
  });
});
