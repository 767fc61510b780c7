import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsString, IsUUID, Matches, Max, Min } from 'class-validator';
import { MAX_LINE_QUANTITY, MAX_UNIT_PRICE } from '@carts/domain';
import { ACTIVE_CURRENCIES } from './iso-4217';

/**
 * The field rules of the REST contract, in one place so every DTO applies them the same way.
 * They are stricter than the domain's own guards, so a domain INVALID_* code is never reached
 * from HTTP: a bad field is a 400 naming the field, and nothing is sent to the writer.
 */
import { ID_PATTERN } from '@carts/contracts';

export { ID_PATTERN };

/**
 * 1-200 code points, none of them a control (Cc), surrogate (Cs), private-use (Co) or unassigned
 * (Cn) character, a line/paragraph separator, or a bidirectional override (text-spoofing); at
 * least one that is not white space. Everything else (accents, CJK, emoji with ZWJ) is kept exactly.
 */
export const NAME_PATTERN = /^(?=[^]*\S)[^\p{Cc}\p{Cs}\p{Co}\p{Cn}\u2028\u2029\u202A-\u202E\u2066-\u2069]{1,200}$/u;

export const IsIdentifier = (field: string) =>
  applyDecorators(IsString({ message: `${field} must be a string` }), Matches(ID_PATTERN, { message: `${field} must be 1-64 characters of [A-Za-z0-9._-]` }));

export const IsItemName = () =>
  applyDecorators(IsString({ message: 'name must be a string' }), Matches(NAME_PATTERN, { message: 'name must be 1-200 printable characters, not only white space' }));

export const IsQuantity = (min: 0 | 1) =>
  applyDecorators(
    IsInt({ message: 'quantity must be an integer' }),
    Min(min, { message: `quantity must be at least ${min}` }),
    Max(MAX_LINE_QUANTITY, { message: `quantity must be at most ${MAX_LINE_QUANTITY}` }),
  );

export const IsUnitPrice = () =>
  applyDecorators(
    IsInt({ message: 'unitPrice must be an integer number of minor units' }),
    Min(0, { message: 'unitPrice must be at least 0' }),
    Max(MAX_UNIT_PRICE, { message: `unitPrice must be at most ${MAX_UNIT_PRICE}` }),
  );

export const IsCurrency = () =>
  applyDecorators(IsIn([...ACTIVE_CURRENCIES], { message: 'currency must be an active ISO 4217 alphabetic code such as "EUR"' }));

/** Any RFC 9562 UUID, case-insensitively; lower-cased so "ABC…" and "abc…" are the same cart. */
export const IsCartId = () =>
  applyDecorators(
    Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value)),
    IsUUID('all', { message: 'cartId must be a UUID' }),
  );
