import { decodeEvent, type EventEnvelope } from '@carts/contracts';
import { readPartitionsToEnd } from '@carts/event-log';
import { evolveCartDetails, PROJECTIONS, type CartDetailsRow } from '@carts/read-model';
import { as, cartDetailsWithWrongTotals, generateCartEvents, http, isolatedEnv, projectionsWith, runCartctl, ServiceProcess, waitFor, type IsolatedEnv } from '@carts/testing';
import { startProjectorInProcess, type InProcessProjector } from '../apps/projector/test/in-process-projector';

interface CartBody { cartId: string; total: number; version: number; items: { quantity: number; unitPrice: number }[] }
const correctTotal = (c: CartBody) => c.items.reduce((t, l) => t + l.quantity * l.unitPrice, 0);
const buggyTotal = (c: CartBody) => c.items.reduce((t, l) => t + l.unitPrice, 0);

/**
 * The reason the product exists. A projection ships with a bug (composed for the test: cart totals
 * ignore quantities); traffic flows, through the command service and straight into the log; the
 * fix is deployed; `cartctl rebuild cart-details` builds a new generation from offset 0 beside the
 * buggy one and swaps it in. The read model then equals what the correct projection gives from the
 * same log, and a query loop running throughout never saw an error or a half-built view.
 */
describe('rebuilding a read model after a bug fix, with no downtime', () => {
  let stack: IsolatedEnv;
  let commands: ServiceProcess;
  let query: ServiceProcess;
  let projector: ServiceProcess | undefined;
  let buggy: InProcessProjector | undefined;

  beforeAll(async () => {
    stack = await isolatedEnv('headline', { PROJECTOR_SESSION_TIMEOUT_MS: '3000' });
    [commands, query] = await ServiceProcess.all([ServiceProcess.start('command-service', stack.env), ServiceProcess.start('query-service', stack.env)]);
    // The projector as it shipped: cart-details with the totals bug.
    buggy = await startProjectorInProcess(stack.env, { projections: projectionsWith(cartDetailsWithWrongTotals(), PROJECTIONS) });
  });

  afterAll(async () => {
    await Promise.all([commands?.stop(), query?.stop(), projector?.stop(), buggy?.close()]);
    await stack?.dispose();
  });

  async function shopThroughTheApi(customerId: string): Promise<string> {
    const created = await http<{ cartId: string; version: number }>('POST', `${commands.url}/carts`, { customerId }, await as.customer(customerId));
    expect(created.status).toBe(201);
    const { cartId } = created.body;
    const cmd = async (method: string, path: string, body?: unknown) => http<{ version: number }>(method, `${commands.url}/carts/${cartId}${path}`, body, await as.customer(customerId));
    expect((await cmd('POST', '/items', { sku: 'MUG', name: 'Blue mug', quantity: 3, unitPrice: 1250, currency: 'EUR' })).status).toBe(200);
    expect((await cmd('POST', '/items', { sku: 'TEA', name: 'Green tea', quantity: 2, unitPrice: 399, currency: 'EUR' })).status).toBe(200);
    const changed = await cmd('PATCH', '/items/MUG', { quantity: 5 });
    expect(changed.status).toBe(200);
    // Read-your-writes: the version the command returned, from the read model.
    const view = await http<CartBody>('GET', `${query.url}/carts/${cartId}?minVersion=${changed.body.version}&waitMs=10000`, undefined, await as.customer(customerId));
    expect(view.status).toBe(200);
    expect(view.body.version).toBe(changed.body.version);
    return cartId;
  }

  function queryLoop(cartIds: readonly string[]) {
    const failures: string[] = [];
    const seen = new Map<string, ('buggy' | 'correct')[]>();
    let requests = 0;
    let running = true;
    const one = async (path: string, check?: (body: CartBody) => void) => {
      requests++;
      const response = await http<CartBody>('GET', `${query.url}${path}`, undefined, await as.operator()).catch((e) => ({ status: 0, body: String(e) as unknown as CartBody }));
      if (response.status !== 200) failures.push(`${path} -> ${response.status} ${JSON.stringify(response.body)}`);
      else check?.(response.body);
    };
    const worker = async (w: number) => {
      for (let i = w; running; i += 4) {
        const cartId = cartIds[i % cartIds.length];
        await one(`/carts/${cartId}`, (cart) => {
          const kind = cart.total === correctTotal(cart) ? 'correct' : cart.total === buggyTotal(cart) ? 'buggy' : null;
          if (!kind) failures.push(`cart ${cartId}: total ${cart.total} is neither the buggy nor the correct one`);
          else if (correctTotal(cart) !== buggyTotal(cart)) seen.set(cartId, [...(seen.get(cartId) ?? []), kind]);
        });
        if (i % 10 === w) await one(`/products/top?by=added&limit=5`);
        if (i % 25 === w) await one(`/projections`);
      }
    };
    const workers = [0, 1, 2, 3].map(worker);
    return { failures, seen, requests: () => requests, stop: async () => { running = false; await Promise.all(workers); } };
  }

  it('rebuild cart-details: the read model equals the correct projection of the same log; queries never failed', async () => {
    const viaApi = [await shopThroughTheApi('api-customer-1'), await shopThroughTheApi('api-customer-2')];
    const generated = generateCartEvents({ seed: 1234, events: 15_000 });
    await stack.appendEvents(generated);
    await stack.caughtUp();
    const before = await http<CartBody>('GET', `${query.url}/carts/${viaApi[0]}`, undefined, await as.operator());
    expect(before.body.total).toBe(buggyTotal(before.body));
    expect(before.body.total).not.toBe(correctTotal(before.body));

    // The fix ships: the projector restarts without the bug. The live generation is still wrong.
    await buggy!.close();
    buggy = undefined;
    projector = await ServiceProcess.start('projector', stack.env);
    const cartIds = [...viaApi, ...new Set(generated.map((e) => e.cartId))];
    const loop = queryLoop(cartIds);
    const rebuild = await runCartctl(['rebuild', 'cart-details'], stack.env);
    // The requests in flight at the swap may all have been served by generation 1: keep querying
    // until the loop has seen the rebuilt view, rather than hope cartctl's exit left time for it.
    const sawCorrect = () => [...loop.seen.values()].some((kinds) => kinds.includes('correct'));
    if (rebuild.code === 0) await waitFor(sawCorrect, Boolean, { timeoutMs: 10_000, what: 'the query loop seeing the rebuilt generation' }).catch(() => undefined);
    await loop.stop();
    expect(rebuild.stdout).toContain('swapped: cart-details generation 2 is live, generation 1 retired');
    expect(rebuild.code).toBe(0);
    expect(loop.failures).toEqual([]);
    expect(loop.requests()).toBeGreaterThan(50);
    // Each cart flipped from buggy to correct at most once: the swap is atomic, no half-built view.
    const observed = [...loop.seen.values()].flat();
    expect([observed.includes('buggy'), observed.includes('correct')]).toEqual([true, true]);
    for (const [cartId, kinds] of loop.seen) expect([cartId, kinds.join(',')]).toEqual([cartId, expect.stringMatching(/^(buggy,)*(correct,)*(buggy|correct)$/)]);

    const log: EventEnvelope[] = [];
    await readPartitionsToEnd(stack.kafka, [0, 1, 2, 3, 4, 5].map((partition) => ({ topic: stack.topic, partition })), (records) => {
      for (const r of records) {
        const decoded = decodeEvent(r.value);
        if (decoded.kind === 'event') log.push(decoded.event);
      }
    });
    const expected = new Map<string, CartDetailsRow>();
    for (const e of log) {
      const row = evolveCartDetails(expected.get(e.cartId) ?? null, e);
      if (row) expected.set(e.cartId, row);
    }
    const rows: CartDetailsRow[] = (await stack.ds.query(`SELECT * FROM cart_details_g2`)).map((r: Record<string, never>) => ({
      cartId: r.cart_id, customerId: r.customer_id, status: r.status, currency: r.currency, lines: r.lines, itemCount: r.item_count,
      total: Number(r.total), version: r.version, createdAt: (r.created_at as Date).toISOString(), updatedAt: (r.updated_at as Date).toISOString(),
    }));
    expect(rows.length).toBe(cartIds.length);
    expect(new Map(rows.map((r) => [r.cartId, r]))).toEqual(expected);
    const after = await http<CartBody>('GET', `${query.url}/carts/${viaApi[0]}`, undefined, await as.operator());
    expect(after.body.total).toBe(5 * 1250 + 2 * 399);
  }, 180_000);
});
