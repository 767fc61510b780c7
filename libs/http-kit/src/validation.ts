import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { validationProblem, type FieldError } from './problem';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

// class-transformer silently drops these keys instead of letting the whitelist reject them, so a
// body carrying one would pass as if the key were not there. Fastify refuses `__proto__` (and
// `constructor.prototype`) while parsing; a plain `constructor` or `prototype` key is caught here.
const SHADOWING_KEYS = ['__proto__', 'constructor', 'prototype'];

function shadowingKeys(value: unknown, parent = ''): FieldError[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.keys(value).flatMap((key) => {
    const field = parent ? `${parent}.${key}` : key;
    const own = SHADOWING_KEYS.includes(key) ? [{ field, message: `property ${key} should not exist` }] : [];
    return [...own, ...shadowingKeys((value as Record<string, unknown>)[key], field)];
  });
}

const BUILT_IN_TYPES = [String, Boolean, Number, Array, Object];

/** Strict DTO validation: unknown properties rejected, no implicit type coercion, one message per field. */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const dto = metadata.type === 'body' && typeof metadata.metatype === 'function' && !BUILT_IN_TYPES.includes(metadata.metatype as never);
    if (dto && value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw validationProblem([{ field: '(body)', message: 'the body must be a JSON object' }]);
    }
    const shadowing = shadowingKeys(value);
    if (shadowing.length > 0) throw validationProblem(shadowing);
    return super.transform(value, metadata);
  }
}

export const strictValidationPipe = (): ValidationPipe =>
  new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationProblem(flatten(errors)),
  });
