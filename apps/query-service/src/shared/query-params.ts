import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

/** Same rule as the command side: customer ids and skus are 1-64 characters of [A-Za-z0-9._-]. */
import { ID_PATTERN } from '@carts/contracts';

export { ID_PATTERN };

/**
 * An optional integer query parameter. Only plain decimal digits are converted, so "1e3", "0x10",
 * "1.5", "" or a repeated parameter stay strings and fail IsInt: a 400 naming the field.
 */
export const OptionalIntParam = (field: string, min: number, max: number) =>
  applyDecorators(
    IsOptional(),
    Transform(({ value }) => (typeof value === 'string' && /^[0-9]{1,10}$/.test(value) ? Number(value) : value)),
    IsInt({ message: `${field} must be an integer` }),
    Min(min, { message: `${field} must be at least ${min}` }),
    Max(max, { message: `${field} must be at most ${max}` }),
  );

export const IsIdentifierParam = (field: string) => Matches(ID_PATTERN, { message: `${field} must be 1-64 characters of [A-Za-z0-9._-]` });
