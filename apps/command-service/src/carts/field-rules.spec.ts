import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AddItemDto } from './add-item/add-item.dto';
import { ACTIVE_CURRENCIES } from './iso-4217';
import { NAME_PATTERN } from './field-rules';

const item = { sku: 'sku-1', name: 'Mug', quantity: 1, unitPrice: 0, currency: 'EUR' };
const invalidFields = (body: Record<string, unknown>) => validateSync(plainToInstance(AddItemDto, body)).map((e) => e.property);

describe('field rules', () => {
  it('knows only real ISO 4217 codes (cross-checked with ICU; VED is newer than ICU lists)', () => {
    const icu = new Set(Intl.supportedValuesOf('currency'));
    expect([...ACTIVE_CURRENCIES].filter((c) => !icu.has(c))).toEqual(['VED']);
    expect(ACTIVE_CURRENCIES.size).toBeGreaterThan(150);
  });

  it.each(['EUR', 'USD', 'JPY', 'CHF', 'XOF', 'XCG', 'ZWG'])('accepts the active currency %s', (currency) => {
    expect(invalidFields({ ...item, currency })).toEqual([]);
  });

  it.each(['eur', 'EURO', 'ABC', 'XXX', 'XTS', 'XAU', 'HRK', 'BGN', 'ZWL', 'CHE', '', 978])('refuses %p as a currency', (currency) => {
    expect(invalidFields({ ...item, currency })).toEqual(['currency']);
  });

  it.each(['Mug', ' leading and trailing ', 'Café crème', '咖啡杯', '👨‍👩‍👧 family pack', 'a'.repeat(200), '🍵'.repeat(200), "Robert'); DROP TABLE carts;--"])(
    'keeps the printable name %p', (name) => {
      expect(NAME_PATTERN.test(name)).toBe(true);
    });

  it.each(['', '   ', 'a'.repeat(201), 'tab\there', 'new\nline', 'nul\u0000', 'del\u007f', 'c1\u0085', 'rlo\u202Eevil', 'sep\u2028', 'lone \ud800 surrogate', 'private \ue000', 'unassigned \u0378'])(
    'refuses the name %p', (name) => {
      expect(NAME_PATTERN.test(name)).toBe(false);
    });

  it.each([0, -1, 1001, 1.5, '1', null, Infinity])('refuses %p as a quantity to add', (quantity) => {
    expect(invalidFields({ ...item, quantity })).toEqual(['quantity']);
  });

  it.each([-1, 100_000_001, 0.5, '100'])('refuses %p as a unit price', (unitPrice) => {
    expect(invalidFields({ ...item, unitPrice })).toEqual(['unitPrice']);
  });

  it.each(['', 'a'.repeat(65), 'sku 1', 'sku/1', 'ско', "x' OR 1=1"])('refuses %p as an sku', (sku) => {
    expect(invalidFields({ ...item, sku })).toEqual(['sku']);
  });
});
