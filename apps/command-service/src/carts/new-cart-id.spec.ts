import type { FastifyRequest } from 'fastify';
import { CommandSender } from './command-sender';

const request = (headers: Record<string, string>, customerId = 'c-1') =>
  ({ headers, caller: { subject: customerId, roles: ['customer'] } }) as unknown as FastifyRequest;

describe('CommandSender.newCartId', () => {
  const sender = new CommandSender(undefined as never, undefined as never);

  it('derives the id from the caller and the Idempotency-Key (UUID v5), the same across releases', () => {
    // Pinned: a retry sent after an upgrade must still reach the cart its first attempt created.
    expect(sender.newCartId(request({ 'idempotency-key': 'k-1' }))).toBe('c14e35aa-f281-5a29-b264-afaee61a55d3');
    expect(sender.newCartId(request({ 'idempotency-key': 'k-1' }))).toBe(sender.newCartId(request({ 'idempotency-key': 'k-1' })));
    expect(sender.newCartId(request({ 'idempotency-key': 'k-2' }))).not.toBe(sender.newCartId(request({ 'idempotency-key': 'k-1' })));
  });

  it('gives two customers using the same key two carts', () => {
    expect(sender.newCartId(request({ 'idempotency-key': 'k-1' }, 'c-2'))).not.toBe(sender.newCartId(request({ 'idempotency-key': 'k-1' }, 'c-1')));
  });

  it('is a random (version 4) id without a key', () => {
    const id = sender.newCartId(request({}));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sender.newCartId(request({}))).not.toBe(id);
  });

  it('refuses callers that are not customers: operators do not place commands', () => {
    const operator = { headers: {}, caller: { subject: 'ops', roles: ['operator'] } } as unknown as FastifyRequest;
    expect(() => sender.customer(operator)).toThrow(expect.objectContaining({ status: 403 }));
  });
});
