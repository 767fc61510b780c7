import { cartTotals, type CartLine } from '@carts/domain';
import type { EventEnvelope } from '@carts/contracts';

export interface CartDetailsRow {
  readonly cartId: string;
  readonly customerId: string;
  readonly status: 'open' | 'checked_out' | 'abandoned';
  readonly currency: string | null;
  readonly lines: readonly CartLine[];
  readonly itemCount: number;
  readonly total: number;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const line = (sku: string, name: string, quantity: number, unitPrice: number): CartLine => ({ sku, name, quantity, unitPrice, lineTotal: quantity * unitPrice });

function withLines(row: CartDetailsRow, lines: readonly CartLine[], e: EventEnvelope): CartDetailsRow {
  return { ...row, lines, ...cartTotals(lines), version: e.version, updatedAt: e.occurredAt };
}

/**
 * Pure fold of one cart's events into its details row. Never throws: an event at or below the
 * row's version is a redelivery and changes nothing; an event that no longer applies is ignored.
 */
export function evolveCartDetails(row: CartDetailsRow | null, e: EventEnvelope): CartDetailsRow | null {
  if (row && e.version <= row.version) return row;
  if (e.type === 'CartCreated') {
    if (row) return row;
    return { cartId: e.cartId, customerId: e.data.customerId, status: 'open', currency: null, lines: [], itemCount: 0, total: 0, version: e.version, createdAt: e.occurredAt, updatedAt: e.occurredAt };
  }
  if (!row) return null;
  switch (e.type) {
    case 'ItemAdded': {
      const d = e.data;
      const exists = row.lines.some((l) => l.sku === d.sku);
      const lines = exists
        ? row.lines.map((l) => (l.sku === d.sku ? line(d.sku, d.name, d.lineQuantity, d.unitPrice) : l))
        : [...row.lines, line(d.sku, d.name, d.lineQuantity, d.unitPrice)];
      return { ...withLines(row, lines, e), currency: row.currency ?? d.currency };
    }
    case 'ItemQuantityChanged':
      return withLines(row, row.lines.map((l) => (l.sku === e.data.sku ? line(l.sku, l.name, e.data.quantity, l.unitPrice) : l)), e);
    case 'ItemRemoved':
      return withLines(row, row.lines.filter((l) => l.sku !== e.data.sku), e);
    case 'CartCheckedOut':
      return { ...row, status: 'checked_out', version: e.version, updatedAt: e.occurredAt };
    case 'CartAbandoned':
      return { ...row, status: 'abandoned', version: e.version, updatedAt: e.occurredAt };
    default:
      return row;
  }
}
