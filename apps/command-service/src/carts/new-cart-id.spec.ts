import type { FastifyRequest } from 'fastify';
import { CommandSender } from './command-sender';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as FastifyRequest;

describe('CommandSender.newCartId', () => {
  const sender = new CommandSender(undefined as never, undefined as never);

  it('derives the id from the Idempotency-Key (UUID v5), the same across releases', () => {
    // Pinned: a retry sent after an upgrade must still reach the cart its first attempt created.
    expect(sender.newCartId(request({ 'idempotency-key': 'k-1' }))).toBe('76d73319-3754-5dd0-b67b-79e78b756027');
    expect(sender.newCartId(request({ 'idempotency-key': 'k-1' }))).toBe(sender.newCartId(request({ 'idempotency-key': 'k-1' })));
    expect(sender.newCartId(request({ 'idempotency-key': 'k-2' }))).not.toBe(sender.newCartId(request({ 'idempotency-key': 'k-1' })));
  });

  it('is a random (version 4) id without a key', () => {
    const id = sender.newCartId(request({}));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sender.newCartId(request({}))).not.toBe(id);
  });
});
