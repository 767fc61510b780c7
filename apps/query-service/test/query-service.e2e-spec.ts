import { randomUUID } from 'node:crypto';
import { envelope, type EventEnvelope } from '@carts/contracts';
import { evolveCartDetails, evolveCustomerCart, foldProductActivity, type CartDetailsRow, type CustomerCartRow, type ProductDelta, type ProjectionStatus } from '@carts/read-model';
import { generateCartEvents, startReadSide, type IsolatedEnv, type ReadSide, type ServiceProcess } from '@carts/testing';

const events = generateCartEvents({ seed: 99, events: 3000, customers: 4, skus: 25 });

function fold<R>(evolve: (row: R | null, e: EventEnvelope) => R | null): Map<string, R> {
  const rows = new Map<string, R>();
  for (const e of events) {
    const next = evolve(rows.get(e.cartId) ?? null, e);
    if (next) rows.set(e.cartId, next);
  }
  return rows;
}

const details = fold<CartDetailsRow>(evolveCartDetails);
const customerCarts = fold<CustomerCartRow>(evolveCustomerCart);
const products = new Map<string, ProductDelta>();
events.forEach((e) => foldProductActivity(products, e));

/** The query service over HTTP, against read models the projector built from a generated log. */
describe('query service', () => {
  let readSide: ReadSide | undefined;
  let stack: IsolatedEnv;
  let projector: ServiceProcess | undefined;
  const get = <T = Record<string, unknown>>(path: string, headers: Record<string, string> = {}) => readSide!.get<T>(path, headers);

  beforeAll(async () => {
    readSide = await startReadSide('query', events);
    ({ stack, projector } = readSide);
  });

  afterAll(async () => {
    await readSide?.close();
  });

  describe('GET /carts/:cartId', () => {
    it('answers the cart with its version as ETag, 304 on If-None-Match, 404 when unknown', async () => {
      const [cartId, row] = [...details].find(([, r]) => r.lines.length > 1 && r.status === 'checked_out')!;
      const { status, body, headers } = await get(`/carts/${cartId}`);
      expect(status).toBe(200);
      expect(body).toEqual({
        cartId, customerId: row.customerId, status: row.status, currency: row.currency, items: row.lines, itemCount: row.itemCount,
        total: row.total, version: row.version, createdAt: row.createdAt, updatedAt: row.updatedAt,
      });
      expect(headers.get('etag')).toBe(`"${row.version}"`);
      expect((await get(`/carts/${cartId}`, { 'if-none-match': `"${row.version}"` })).status).toBe(304);
      expect((await get(`/carts/${cartId}`, { 'if-none-match': `"${row.version - 1}"` })).status).toBe(200);
      const missing = await get(`/carts/${randomUUID()}`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toContain('application/problem+json');
    });

    it.each([
      ['not-a-uuid', ''], ['', '?minVersion=abc'], ['', '?minVersion=0'], ['', '?minVersion=1.5'], ['', '?minVersion=1e3'],
      ['', '?minVersion=1&waitMs=10001'], ['', '?minVersion=1&waitMs=-1'], ['', '?minVersion=1&minVersion=2'], ['', '?version=3'],
    ])('400 problem+json for bad parameters: %s%s', async (id, search) => {
      const response = await get<{ type: string; errors: unknown[] }>(`/carts/${id || randomUUID()}${search}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.type).toBe('urn:carts:problem:validation-failed');
    });
  });

  describe('read-your-writes (minVersion, waitMs)', () => {
    const created = (cartId: string) => envelope({ type: 'CartCreated', data: { customerId: 'ryw' } }, {
      eventId: randomUUID(), cartId, version: 1, occurredAt: new Date().toISOString(), commandId: 'c', correlationId: 'c',
    });

    it('answers at once when the version is there', async () => {
      const [cartId, row] = [...details][0];
      expect((await get(`/carts/${cartId}?minVersion=${row.version}&waitMs=0`)).status).toBe(200);
    });

    it('503 with Retry-After and the version it has when the read model does not get there in time', async () => {
      const [cartId, row] = [...details][1];
      const response = await get<{ version: number; minVersion: number; detail: string }>(`/carts/${cartId}?minVersion=${row.version + 1}&waitMs=300`);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body).toMatchObject({ version: row.version, minVersion: row.version + 1 });
      expect(response.body.detail).toContain(`has version ${row.version}, not yet version ${row.version + 1}`);
    });

    it('many waiting requests are woken by the projector\'s commit, through one shared LISTEN connection', async () => {
      // Frozen, not restarted: a projector's boot and group join on a busy box ate up to half of
      // the 10 s the requests may wait. Frozen for well under its session, it resumes at once.
      projector!.signal('SIGSTOP');
      const carts = Array.from({ length: 30 }, () => randomUUID());
      let waiting: Promise<{ status: number; body: { version: number } }>[];
      try {
        waiting = carts.map((cartId) => get<{ version: number }>(`/carts/${cartId}?minVersion=1&waitMs=10000`));
        const listeners: { n: string }[] = await stack.ds.query(
          `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'carts-query-listen'`);
        expect(Number(listeners[0].n)).toBe(1);
        await stack.appendEvents(carts.map(created));
      } finally {
        projector!.signal('SIGCONT');
      }
      const answers = await Promise.all(waiting);
      expect(answers.map((a) => [a.status, a.body.version])).toEqual(carts.map(() => [200, 1]));
    });
  });

  describe('GET /customers/:customerId/carts', () => {
    const customer = 'customer-2';
    const expected = [...customerCarts.values()].filter((r) => r.customerId === customer)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || (a.cartId < b.cartId ? 1 : -1));
    type Page = { items: { cartId: string; status: string; itemCount: number; total: number; currency: string | null; createdAt: string; updatedAt: string }[]; nextCursor: string | null };

    async function allPages(query: string): Promise<Page['items']> {
      const items: Page['items'] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: Page } = await get<Page>(`/customers/${customer}/carts?${query}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        items.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      return items;
    }

    it('pages through every cart newest first with an opaque cursor, no duplicates, no gaps', async () => {
      expect(expected.length).toBeGreaterThan(50);
      const items = await allPages('limit=7');
      expect(items).toEqual(expected.map((r) => ({
        cartId: r.cartId, status: r.status, itemCount: r.itemCount, total: r.total, currency: r.currency, createdAt: r.createdAt, updatedAt: r.updatedAt,
      })));
      expect((await get<Page>(`/customers/${customer}/carts`)).body.items).toHaveLength(20);
    });

    it('filters by status', async () => {
      const items = await allPages('status=abandoned&limit=100');
      expect(items.map((i) => i.cartId)).toEqual(expected.filter((r) => r.status === 'abandoned').map((r) => r.cartId));
    });

    it('an unknown customer has no carts', async () => {
      expect((await get(`/customers/nobody/carts`)).body).toEqual({ items: [], nextCursor: null });
    });

    it.each(['limit=0', 'limit=101', 'limit=ten', 'status=paid', 'cursor=garbage', 'cursor=eyJ1IjoxfQ', 'page=2'])('400 for %s', async (query) => {
      const response = await get(`/customers/${customer}/carts?${query}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    });

    it('400 for a malformed customer id', async () => {
      expect((await get(`/customers/${'x'.repeat(65)}/carts`)).status).toBe(400);
    });
  });

  describe('products', () => {
    it('GET /products/:sku/activity answers every counter and revenue per currency', async () => {
      const d = [...products.values()].find((p) => p.revenue.size > 1)!;
      const { status, body } = await get(`/products/${d.sku}/activity`);
      expect(status).toBe(200);
      expect(body).toEqual({
        sku: d.sku, name: d.name, timesAdded: d.timesAdded, quantityAdded: d.quantityAdded, timesRemoved: d.timesRemoved, quantityRemoved: d.quantityRemoved,
        quantityPurchased: d.quantityPurchased, quantityAbandoned: d.quantityAbandoned, lastActivityAt: d.lastActivityAt,
        revenue: Object.fromEntries([...d.revenue].map(([currency, r]) => [currency, r.revenue])),
      });
      expect((await get('/products/NO-SUCH-SKU/activity')).status).toBe(404);
    });

    it.each([
      ['added', (d: ProductDelta) => d.quantityAdded], ['purchased', (d: ProductDelta) => d.quantityPurchased], ['abandoned', (d: ProductDelta) => d.quantityAbandoned],
    ] as const)('GET /products/top?by=%s ranks by that figure', async (by, figure) => {
      const ranked = [...products.values()].sort((a, b) => figure(b) - figure(a) || (a.sku < b.sku ? -1 : 1)).slice(0, 5);
      const { body } = await get<{ items: { rank: number; sku: string; value: number }[] }>(`/products/top?by=${by}&limit=5`);
      expect(body.items.map((i) => [i.rank, i.sku, i.value])).toEqual(ranked.map((d, i) => [i + 1, d.sku, figure(d)]));
    });

    it('GET /products/top?by=revenue ranks within one currency', async () => {
      const revenue = (d: ProductDelta) => d.revenue.get('GBP')?.revenue ?? 0;
      const ranked = [...products.values()].filter((d) => d.revenue.has('GBP')).sort((a, b) => revenue(b) - revenue(a) || (a.sku < b.sku ? -1 : 1)).slice(0, 10);
      const { body } = await get<{ currency: string; items: { sku: string; value: number }[] }>('/products/top?by=revenue&currency=GBP');
      expect(body.currency).toBe('GBP');
      expect(body.items.map((i) => [i.sku, i.value])).toEqual(ranked.map((d) => [d.sku, revenue(d)]));
    });

    it.each(['', 'by=popular', 'by=added&limit=0', 'by=added&limit=101', 'by=revenue', 'by=added&currency=EUR', 'by=revenue&currency=eur'])('400 for /products/top?%s', async (query) => {
      const response = await get(`/products/top?${query}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    });
  });

  it('GET /projections: each projection live with its generation, per-partition lag and last event time', async () => {
    await stack.caughtUp();
    const { status, body } = await get<{ projections: ProjectionStatus[] }>('/projections');
    expect(status).toBe(200);
    expect(body.projections.map((p) => [p.name, p.activeGeneration, p.state, p.lag, p.rebuild])).toEqual([
      ['cart-details', 1, 'live', 0, null], ['customer-carts', 1, 'live', 0, null], ['product-activity', 1, 'live', 0, null],
    ]);
    for (const p of body.projections) {
      expect(p.partitions.map((x) => x.partition)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(p.partitions.every((x) => x.lag === 0 && x.nextOffset === x.endOffset)).toBe(true);
      expect(Date.parse(p.lastEventAt!)).toBeGreaterThan(0);
    }
    expect(body.projections[0].eventsApplied).toBe(events.length + 30);
  });
});
