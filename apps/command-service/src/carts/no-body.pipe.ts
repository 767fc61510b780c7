import { Injectable, type PipeTransform } from '@nestjs/common';
import { validationProblem } from '@carts/http';

/**
 * For commands that take no body (DELETE item, checkout, abandon): nothing, or an empty JSON
 * object. Anything else is refused like an unknown property would be on any other endpoint.
 */
@Injectable()
export class NoBodyPipe implements PipeTransform {
  transform(value: unknown): undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw validationProblem([{ field: '(body)', message: 'this request takes no body, or an empty JSON object' }]);
    const fields = Object.keys(value);
    if (fields.length > 0) throw validationProblem(fields.map((field) => ({ field, message: `property ${field} should not exist` })));
    return undefined;
  }
}
