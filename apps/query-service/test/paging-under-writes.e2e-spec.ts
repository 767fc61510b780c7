import { randomUUID } from 'node:crypto';
import { envelope, type EventEnvelope } from '@carts/contracts';
import { foldProductActivity, type ProductDelta } from '@carts/read-model';
import { generateCartEvents, startReadSide, type IsolatedEnv, type ReadSide } from '@carts/testing';

const events = generateCartEvents({ seed: 7, events: 800, customers: 3, skus: 12 });
const products = new Map<string, ProductDelta>();
events.forEach((e) => foldProductActivity(products, e));

/** Carts written straight to the log as the write side would, with versions kept per cart. */
class PagingWorld {
  private readonly versions = new Map<string, number>();
  private tick = 0;

  constructor(readonly customerId: string) {}

  private meta(cartId: string, occurredAt: string) {
    const version = (this.versions.get(cartId) ?? 0) + 1;
    this.versions.set(cartId, version);
    return { eventId: randomUUID(), cartId, version, occurredAt, commandId: 'paging', correlationId: 'paging' };
  }

  /** `count` carts created two by two at the same instant from `from` on (equal times rank by cart id). */
  createCarts(count: number, from: number): { cartId: string; createdAt: string; created: EventEnvelope }[] {
    return Array.from({ length: count }, (_, i) => {
      const cartId = randomUUID();
      const createdAt = new Date(from + Math.floor(i / 2) * 1000).toISOString();
      return { cartId, createdAt, created: envelope({ type: 'CartCreated', data: { customerId: this.customerId } }, this.meta(cartId, createdAt)) };
    });
  }

  /** One more unit of `sku`: the cart's update time moves to now. */
  addItem(cartId: string, sku = 'pager-sku', quantity = 1, lineQuantity?: number): EventEnvelope {
    const occurredAt = new Date(Date.now() + ++this.tick).toISOString();
    const line = lineQuantity ?? (this.versions.get(cartId) ?? 1);
    return envelope({ type: 'ItemAdded', data: { sku, name: sku, quantity, unitPrice: 100, currency: 'EUR', lineQuantity: line } }, this.meta(cartId, occurredAt));
  }

  checkout(cartId: string, sku: string, quantity: number): EventEnvelope {
    const lines = [{ sku, name: sku, quantity, unitPrice: 100, lineTotal: 100 * quantity }];
    return envelope({ type: 'CartCheckedOut', data: { lines, itemCount: quantity, total: 100 * quantity, currency: 'EUR' } }, this.meta(cartId, new Date().toISOString()));
  }

  newestFirst(carts: { cartId: string; createdAt: string }[]): string[] {
    return [...carts].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || (a.cartId < b.cartId ? 1 : -1)).map((c) => c.cartId);
  }
}

const checkedOutCart = (world: PagingWorld, sku: string, quantity: number): EventEnvelope[] => {
  const [cart] = world.createCarts(1, Date.now());
  return [cart.created, world.addItem(cart.cartId, sku, quantity, quantity), world.checkout(cart.cartId, sku, quantity)];
};

/**
 * The paging promises of the query service (docs/api.md, "Paging"), held while the projector
 * writes: a customer's carts page by a key that never changes; a top list is one snapshot.
 */
describe('query service paging under concurrent writes', () => {
  let readSide: ReadSide | undefined;
  let stack: IsolatedEnv;
  const get = <T = Record<string, unknown>>(path: string) => readSide!.get<T>(path);

  beforeAll(async () => {
    readSide = await startReadSide('paging', events);
    stack = readSide.stack;
  });

  afterAll(async () => {
    await readSide?.close();
  });

  it('GET /customers/:id/carts: a walk never skips or repeats a cart while carts change and are created between page reads', async () => {
    const world = new PagingWorld('pager');
    const carts = world.createCarts(24, Date.parse('2026-03-01T00:00:00.000Z'));
    await stack.appendEvents(carts.map((c) => c.created));
    await stack.caughtUp();
    const order = world.newestFirst(carts);
    const seen: { cartId: string; itemCount: number }[] = [];
    let cursor: string | null = null;
    let newCarts: string[] = [];
    do {
      const page: { status: number; body: { items: { cartId: string; itemCount: number }[]; nextCursor: string | null } } =
        await get(`/customers/pager/carts?limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
      // Between two page reads: every cart not read yet changes (paged by update time, each would
      // jump to page 1 and be skipped), a cart already read changes (it would come back), and a
      // new cart is created.
      const unread = order.filter((id) => !seen.some((i) => i.cartId === id));
      const fresh = world.createCarts(1, Date.now());
      newCarts = [...fresh.map((c) => c.cartId), ...newCarts];
      await stack.appendEvents([...unread.map((id) => world.addItem(id)), world.addItem(seen[0].cartId), ...fresh.map((c) => c.created)]);
      await stack.caughtUp();
    } while (cursor);
    expect(seen.map((i) => i.cartId)).toEqual(order);
    // The changes were in the read model when the later pages were read.
    expect(seen.slice(5).every((i) => i.itemCount > 0)).toBe(true);
    // Carts created during the walk sort before its first page: a new walk starts with them.
    const again = await get<{ items: { cartId: string }[] }>(`/customers/pager/carts?limit=${newCarts.length}`);
    expect(again.body.items.map((i) => i.cartId)).toEqual(newCarts);
  });

  it('GET /products/top: ranks no zero, and every answer is one ranking at one instant while the values change', async () => {
    const top = () => get<{ items: { rank: number; sku: string; value: number }[] }>('/products/top?by=purchased&limit=100');
    // A product added to carts but never bought has quantityPurchased 0: not ranked by=purchased.
    const world = new PagingWorld('top-buyer');
    const [onlyAdded] = world.createCarts(1, Date.now());
    await stack.appendEvents([onlyAdded.created, world.addItem(onlyAdded.cartId, 'never-bought')]);
    await stack.caughtUp();
    expect((await get<{ quantityAdded: number }>('/products/never-bought/activity')).body.quantityAdded).toBe(1);
    const before = await top();
    expect(before.body.items.some((i) => i.sku === 'never-bought')).toBe(false);
    const expected = [...products.values()].filter((d) => d.quantityPurchased > 0)
      .sort((a, b) => b.quantityPurchased - a.quantityPurchased || (a.sku < b.sku ? -1 : 1)).map((d) => d.sku);
    expect(before.body.items.map((i) => i.sku)).toEqual(expected.slice(0, 100));

    let writing = true;
    const writer = (async () => {
      for (let i = 0; i < 15; i++) await stack.appendEvents(checkedOutCart(world, `hot-${i % 3}`, 1 + (i % 4)));
      await stack.caughtUp();
      writing = false;
    })();
    const answers: Awaited<ReturnType<typeof top>>[] = [];
    while (writing) answers.push(await top());
    await writer;
    answers.push(await top());
    expect(answers.length).toBeGreaterThan(1);
    for (const { status, body } of answers) {
      expect(status).toBe(200);
      expect(body.items.map((i) => i.rank)).toEqual(body.items.map((_, n) => n + 1));
      expect(new Set(body.items.map((i) => i.sku)).size).toBe(body.items.length);
      expect(body.items.every((i) => i.value > 0)).toBe(true);
      body.items.slice(1).forEach((item, n) => {
        const prev = body.items[n];
        expect(prev.value > item.value || (prev.value === item.value && prev.sku < item.sku)).toBe(true);
      });
    }
    // Once caught up, the skus that became non-zero are ranked with the value the log gives them.
    const final = answers[answers.length - 1].body.items;
    const hot = Object.fromEntries(final.filter((i) => i.sku.startsWith('hot-')).map((i) => [i.sku, i.value]));
    expect(hot).toEqual({ 'hot-0': 1 + 4 + 3 + 2 + 1, 'hot-1': 2 + 1 + 4 + 3 + 2, 'hot-2': 3 + 2 + 1 + 4 + 3 });
  });
});
