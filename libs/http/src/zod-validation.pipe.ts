import { PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { FieldProblem } from '@ensemble/errors';
import { ValidationFailed } from './api-error';

/** Validates and parses a request part with a zod schema; a failure names every bad field. */
export class ZodValidationPipe<Schema extends z.ZodType> implements PipeTransform<unknown, z.infer<Schema>> {
  /** `part` names what is validated when it is not the body, e.g. `header Idempotency-Key`. */
  constructor(
    private readonly schema: Schema,
    private readonly part = 'body',
  ) {}

  transform(value: unknown): z.infer<Schema> {
    const result = this.schema.safeParse(value);
    if (!result.success) throw new ValidationFailed(fieldProblems(result.error, this.part));
    return result.data;
  }
}

export function fieldProblems(error: z.ZodError, part = 'body'): FieldProblem[] {
  return error.issues.map((issue) => ({ field: fieldPath(issue.path) || part, message: issue.message }));
}

/** `['items', 0, 'quantity']` -> `items[0].quantity`. */
function fieldPath(path: PropertyKey[]): string {
  return path.reduce<string>(
    (joined, part) => (typeof part === 'number' ? `${joined}[${part}]` : joined ? `${joined}.${String(part)}` : String(part)),
    '',
  );
}
