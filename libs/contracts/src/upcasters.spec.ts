import { decodeEvent, PoisonRecordError } from './event-codec';
import { upcast } from './upcasters';

const envelopeOf = (type: string, schemaVersion: number, data: unknown) => JSON.stringify({
  eventId: 'e-1', type, schemaVersion, cartId: '0b8e5c1a-9a0e-4f43-8f3c-6b2a8c1d2e3f', version: 1,
  occurredAt: '2026-01-01T00:00:00.000Z', commandId: 'c-1', correlationId: 'c-1', data,
});

describe('upcasters', () => {
  describe('CartCreated v1 -> v2 (customer renamed customerId)', () => {
    it('renames the field and keeps the others', () => {
      expect(upcast('CartCreated', 1, { customer: 'customer-7', channel: 'web' }, 2)).toEqual({ customerId: 'customer-7', channel: 'web' });
    });

    it('is applied on read: a stored v1 record decodes as today\'s v2 event', () => {
      const decoded = decodeEvent(envelopeOf('CartCreated', 1, { customer: 'customer-7' }));
      expect(decoded).toEqual({
        kind: 'event',
        event: expect.objectContaining({ type: 'CartCreated', schemaVersion: 2, data: { customerId: 'customer-7' } }),
      });
    });

    it('leaves a current v2 record as it is', () => {
      const decoded = decodeEvent(envelopeOf('CartCreated', 2, { customerId: 'customer-8' }));
      expect(decoded.kind === 'event' && decoded.event.data).toEqual({ customerId: 'customer-8' });
    });

    it('a v1 record without the field it renames is poison, not a cart with no customer', () => {
      expect(() => decodeEvent(envelopeOf('CartCreated', 1, { client: 'x' }))).toThrow(new PoisonRecordError('CartCreated field "data.customerId" is missing or invalid'));
    });
  });

  it('refuses to guess when a step is missing', () => {
    expect(() => upcast('ItemAdded', 0, {}, 1)).toThrow('no upcaster for ItemAdded v0 -> v1');
  });

  it('treats a schema version newer than this code knows as unknown (no version anywhere: parked by the projections), not unreadable', () => {
    expect(decodeEvent(envelopeOf('CartCreated', 3, { customerId: 'c', loyaltyTier: 'gold' }))).toEqual({
      kind: 'unknown', type: 'CartCreated@v3', cartId: '0b8e5c1a-9a0e-4f43-8f3c-6b2a8c1d2e3f', version: 1,
    });
  });
});
