import { randomUUID } from 'node:crypto';
import { envelope, encodeEvent, type EventEnvelope } from '@carts/contracts';
import type { CartEvent } from '@carts/domain';
import { appendRawRecords, type RawRecord } from '@carts/event-log';
import { projectionNamed, PROJECTIONS, type DeadLetterView, type ProjectionStatus } from '@carts/read-model';
import { as, failingOnSku, generateCartEvents, http, isolatedEnv, projectionsWith, runCartctl, ServiceProcess, type IsolatedEnv } from '@carts/testing';
import { startProjectorInProcess } from './in-process-projector';

const at = (cartId: string, version: number) => ({
  eventId: randomUUID(), cartId, version, occurredAt: new Date(Date.UTC(2026, 1, 1, 0, 0, version)).toISOString(), commandId: 'cmd', correlationId: 'cmd',
});
const event = (cartId: string, version: number, e: CartEvent): RawRecord => ({ key: cartId, value: encodeEvent(envelope(e, at(cartId, version))) });
const created = (cartId: string, version = 1) => event(cartId, version, { type: 'CartCreated', data: { customerId: 'poison-tester' } });
const added = (cartId: string, version: number, sku: string, quantity = 1) =>
  event(cartId, version, { type: 'ItemAdded', data: { sku, name: `Item ${sku}`, quantity, unitPrice: 250, currency: 'EUR', lineQuantity: quantity } });
const raw = (cartId: string, version: number, type: string, schemaVersion: number, data: unknown): RawRecord =>
  ({ key: cartId, value: JSON.stringify({ ...at(cartId, version), type, schemaVersion, data }) });

/**
 * Poison records never block a partition and are never silently dropped: they are parked with the
 * error, later events of the same cart are parked behind them (so that cart's order holds), and
 * everything else keeps flowing. Unknown event types are parked too (and counted): the command
 * service gives them no version. Old schema versions are upcast. An event that does not continue
 * its cart's version (forged) is parked, never applied. `cartctl dlq retry` re-applies parked records in order once they can be applied.
 */
describe('poison records, unknown events and dead letters', () => {
  let stack: IsolatedEnv;
  let projector: ServiceProcess | undefined;
  let query: ServiceProcess;

  beforeAll(async () => {
    stack = await isolatedEnv('poison', { PROJECTOR_SESSION_TIMEOUT_MS: '3000' });
    [projector, query] = await ServiceProcess.all([ServiceProcess.start('projector', stack.env), ServiceProcess.start('query-service', stack.env)]);
  });

  afterAll(async () => {
    await Promise.all([projector?.stop(), query?.stop()]);
    await stack?.dispose();
  });

  const cart = async (cartId: string) => http<{ version: number; customerId: string; items: { sku: string; quantity: number }[] }>('GET', `${query.url}/carts/${cartId}`, undefined, await as.operator());
  const parked = async (projection?: string): Promise<DeadLetterView[]> => {
    const result = await runCartctl(['dlq', 'list', '--json', ...(projection ? ['--projection', projection] : [])], stack.env);
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout);
  };

  it('parks malformed records and unknown types with the later events of their cart, keeps the rest flowing, upcasts old versions', async () => {
    const [p, q, r, z] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const background = generateCartEvents({ seed: 5, events: 2000 }).map((e) => ({ key: e.cartId, value: encodeEvent(e) }));
    await appendRawRecords(stack.kafka, stack.topic, [
      ...background.slice(0, 1000),
      created(p), { key: p, value: '{"type": "ItemAdded", not json' }, added(p, 2, 'SKU-A'),
      created(q), raw(q, 2, 'ItemAdded', 1, { sku: 'SKU-Q', name: 'Q', quantity: 'two', unitPrice: 1, currency: 'EUR', lineQuantity: 2 }), added(q, 3, 'SKU-Q'),
      raw(r, 1, 'CartCreated', 1, { customer: 'legacy-customer' }), raw(r, 2, 'CartGiftWrapped', 1, { paper: 'gold' }), added(r, 3, 'SKU-B', 2),
      { key: z, value: null },
      ...background.slice(1000),
    ]);
    await stack.caughtUp();

    const lastVersions = new Map(generateCartEvents({ seed: 5, events: 2000 }).map((e: EventEnvelope) => [e.cartId, e.version]));
    const rows: { cart_id: string; version: number }[] = await stack.ds.query(`SELECT cart_id, version FROM cart_details WHERE cart_id = ANY($1::uuid[])`, [[...lastVersions.keys()]]);
    expect(new Map(rows.map((x) => [x.cart_id, x.version]))).toEqual(lastVersions);
    expect((await cart(r)).body).toMatchObject({ customerId: 'legacy-customer', version: 1, items: [] });
    expect((await cart(p)).body).toMatchObject({ version: 1, items: [] });
    expect((await cart(q)).body).toMatchObject({ version: 1 });

    const statuses = (await http<{ projections: ProjectionStatus[] }>('GET', `${query.url}/projections`, undefined, await as.operator())).body.projections;
    expect(statuses.map((s) => [s.name, s.unknownSkipped, s.parked, s.lag])).toEqual([['cart-details', 1, 7, 0], ['customer-carts', 1, 7, 0], ['product-activity', 1, 7, 0]]);
    const letters = await parked('cart-details');
    const byCart = (rows: (string | null)[][]) => rows.map((x) => x.join(' | ')).sort();
    expect(byCart(letters.map((d) => [d.cartId, d.kind, d.reason]))).toEqual(byCart([
      [p, 'poison', 'value is not valid JSON'], [p, 'blocked', 'an earlier event of this cart is parked'],
      [q, 'poison', 'ItemAdded field "data.quantity" is missing or invalid'], [q, 'blocked', 'an earlier event of this cart is parked'],
      [r, 'poison', 'unknown event type "CartGiftWrapped" claiming version 2: not written by this version of the command service; not applied'],
      [r, 'blocked', 'an earlier event of this cart is parked'],
      [z, 'poison', 'record has no value'],
    ]));
    // Log order within each cart: the poison first, what was parked behind it after.
    for (const id of [p, q, r]) expect(letters.filter((d) => d.cartId === id).map((d) => d.kind)).toEqual(['poison', 'blocked']);
    // Each poison record is logged once per projection that parked it, with what to do.
    for (const name of ['cart-details', 'customer-carts', 'product-activity']) {
      const lines = projector!.logLines().filter((l) => l.msg.includes(`${name}@g1: parked`) && l.msg.includes(`(cart ${p})`));
      expect(lines.map((l) => [l.level, l.msg])).toEqual([['warn', expect.stringMatching(/value is not valid JSON; later events of this cart park behind it.*cartctl dlq skip --record \d+@\d+/)]]);
    }

    const retried = await runCartctl(['dlq', 'retry'], stack.env);
    expect(retried.stdout).toContain('cart-details g1: 0 re-applied, 7 still parked');
    expect(retried.code).toBe(1);
    expect(retried.stdout).toMatch(/value is not valid JSON \(if it can never be read: cartctl dlq skip \d+\)/);

    for (const poison of (await parked()).filter((d) => d.cartId === p && d.kind === 'poison')) {
      expect((await runCartctl(['dlq', 'skip', poison.id], stack.env)).code).toBe(0);
    }
    const afterSkip = await runCartctl(['dlq', 'retry'], stack.env);
    expect(afterSkip.stdout).toContain('cart-details g1: 1 re-applied, 5 still parked');
    expect((await cart(p)).body).toMatchObject({ version: 2, items: [{ sku: 'SKU-A', quantity: 1 }] });
    expect((await parked()).map((d) => d.cartId)).not.toContain(p);

    await appendRawRecords(stack.kafka, stack.topic, [added(p, 3, 'SKU-C')]);
    expect((await http('GET', `${query.url}/carts/${p}?minVersion=3&waitMs=10000`, undefined, await as.operator())).status).toBe(200);

    // z's empty record is parked once in each of the three projections: one command skips it everywhere.
    const [zPoison] = (await parked('cart-details')).filter((d) => d.cartId === z);
    const skipped = await runCartctl(['dlq', 'skip', '--record', `${zPoison.partition}@${zPoison.offset}`], stack.env);
    expect(skipped.code).toBe(0);
    expect(skipped.stdout.match(/^skipped #\d+ \((cart-details|customer-carts|product-activity) g1, cart /gm)).toHaveLength(3);
    expect((await parked()).map((d) => d.cartId)).not.toContain(z);
    expect((await runCartctl(['dlq', 'skip', '--record', `${zPoison.partition}@${zPoison.offset}`], stack.env)).code).toBe(1);
    // q's and r's records stay parked: retry still says so with its exit code.
    const stillParked = await runCartctl(['dlq', 'retry'], stack.env);
    expect(stillParked.stdout).toContain('cart-details g1: 0 re-applied, 4 still parked');
    expect(stillParked.code).toBe(1);
  });

  it('a handler error parks that cart in the failing projection only; dlq retry applies it in order after the fix', async () => {
    // A projector whose cart-details handler has a bug with one sku (composed here; no switch in production code).
    await projector!.stop();
    projector = undefined;
    const faulty = await startProjectorInProcess(stack.env, { projections: projectionsWith(failingOnSku(projectionNamed('cart-details'), 'FAULTY'), PROJECTIONS) });
    const [s, t] = [randomUUID(), randomUUID()];
    await appendRawRecords(stack.kafka, stack.topic, [
      created(s), added(s, 2, 'FAULTY', 2), added(s, 3, 'OK-1'), event(s, 4, { type: 'ItemQuantityChanged', data: { sku: 'FAULTY', quantity: 3, previousQuantity: 2 } }),
      created(t), added(t, 2, 'OK-2'),
    ]);
    await stack.caughtUp();
    expect((await cart(s)).body).toMatchObject({ version: 1 });
    expect((await cart(t)).body).toMatchObject({ version: 2 });
    const [listed] = await stack.ds.query(`SELECT version FROM customer_carts WHERE cart_id = $1`, [s]);
    expect(listed).toEqual({ version: 4 });
    const letters = (await parked('cart-details')).filter((d) => d.cartId === s);
    expect(letters.map((d) => d.kind)).toEqual(['poison', 'blocked', 'blocked']);
    expect(letters[0].reason).toContain('projection error: injected fault');

    // The fix ships: the real projector replaces the faulty one.
    await faulty.close();
    projector = await ServiceProcess.start('projector', stack.env);
    const retried = await runCartctl(['dlq', 'retry', '--projection', 'cart-details', '--cart', s], stack.env);
    expect(retried.stdout).toContain('cart-details g1: 3 re-applied, 0 still parked');
    expect(retried.code).toBe(0);
    expect((await cart(s)).body).toMatchObject({ version: 4, items: [{ sku: 'FAULTY', quantity: 3 }, { sku: 'OK-1', quantity: 1 }] });
    expect((await parked('cart-details')).filter((d) => d.cartId === s)).toEqual([]);
  });

  it('parks a forged version and a foreign unknown type claiming the next one, never applies them; skip and retry bring the real events in', async () => {
    const [h, u] = [randomUUID(), randomUUID()];
    const forged = (cartId: string, version: number, type: string, data: unknown): RawRecord =>
      ({ key: cartId, value: JSON.stringify({ ...at(cartId, version), commandId: 'forged', type, schemaVersion: 1, data }) });
    await appendRawRecords(stack.kafka, stack.topic, [
      created(h), added(h, 2, 'REAL-1'),
      // A forged repeat of a version already applied is a redelivery to every projection: it changes nothing.
      forged(h, 2, 'ItemAdded', { sku: 'FORGED-REPEAT', name: 'Forged', quantity: 1, unitPrice: 1, currency: 'EUR', lineQuantity: 1 }),
      forged(h, 9, 'ItemAdded', { sku: 'FORGED-HIGH', name: 'Forged', quantity: 1, unitPrice: 1, currency: 'EUR', lineQuantity: 1 }),
      added(h, 3, 'REAL-2'), added(h, 4, 'REAL-3'),
      // The command service gives the foreign record no version, so its next real event is 2 as well.
      created(u), forged(u, 2, 'CartGiftWrapped', { paper: 'gold' }), added(u, 2, 'REAL-U'),
    ]);
    await stack.caughtUp();
    expect((await cart(h)).body).toMatchObject({ version: 2, items: [{ sku: 'REAL-1', quantity: 1 }] });
    expect((await cart(u)).body).toMatchObject({ version: 1, items: [] });
    const [listed] = await stack.ds.query(`SELECT count(*)::int AS n FROM product_activity WHERE sku LIKE 'FORGED-%'`);
    expect(listed).toEqual({ n: 0 });
    const letters = (await parked()).filter((d) => d.cartId === h || d.cartId === u);
    const gap = "version 9 does not continue the cart's version 2: not written by the command service (or a gap); not applied";
    const unknown = 'unknown event type "CartGiftWrapped" claiming version 2: not written by this version of the command service; not applied';
    for (const name of ['cart-details', 'customer-carts', 'product-activity']) {
      const of = (cartId: string) => letters.filter((d) => d.projection === name && d.cartId === cartId).map((d) => [d.kind, d.kind === 'poison' ? d.reason : '']);
      expect([of(h), of(u)]).toEqual([[['poison', gap], ['blocked', ''], ['blocked', '']], [['poison', unknown], ['blocked', '']]]);
      const warned = projector!.logLines().filter((l) => l.msg.includes(`${name}@g1: parked`) && l.msg.includes(`(cart ${h})`));
      expect(warned.map((l) => [l.level, l.msg])).toEqual([['warn', expect.stringContaining(gap)]]);
    }

    // What the operator sees in the cart's history, straight from the log: the records that take no version.
    const history = (await runCartctl(['events', h], stack.env)).stdout;
    expect(history).toMatch(/^v2 .*FORGED-REPEAT.*\(repeats v2: takes no version\)$/m);
    expect(history).toMatch(/^v9 .*FORGED-HIGH.*\(does not continue v2: takes no version; the projections park it\)$/m);
    expect(history).toMatch(/^v4 .*REAL-3"[^(]*$/m);

    // What the operator does (docs/operations.md): skip the forged records everywhere, retry the carts.
    for (const poison of letters.filter((d) => d.projection === 'cart-details' && d.kind === 'poison')) {
      expect((await runCartctl(['dlq', 'skip', '--record', `${poison.partition}@${poison.offset}`], stack.env)).code).toBe(0);
    }
    for (const id of [h, u]) expect((await runCartctl(['dlq', 'retry', '--cart', id], stack.env)).code).toBe(0);
    expect((await cart(h)).body).toMatchObject({ version: 4, items: [{ sku: 'REAL-1', quantity: 1 }, { sku: 'REAL-2', quantity: 1 }, { sku: 'REAL-3', quantity: 1 }] });
    expect((await cart(u)).body).toMatchObject({ version: 2, items: [{ sku: 'REAL-U', quantity: 1 }] });
    expect((await parked()).filter((d) => d.cartId === h || d.cartId === u)).toEqual([]);
  });
});
