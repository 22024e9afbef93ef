import { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { FieldProblem } from '@ensemble/errors';
import { ValidationFailed } from './api-error';

/** C0 controls (NUL included) and DEL: no field of any API holds them, and PostgreSQL refuses NUL. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
/** In Unicode mode a pair counts as one code point, so only a surrogate without its partner matches. */
const LONE_SURROGATE = /[\ud800-\udfff]/u;
/** Deeper than any request body of ours; a body nested further is refused rather than walked. */
const MAX_DEPTH = 32;

/**
 * Refuses, with 400 naming each field, any string in a body, path or query parameter that holds a
 * control character or is not well-formed Unicode (a lone surrogate): such text would otherwise
 * reach the database and come back as a 500, or be stored as something else than was sent.
 */
export class WellFormedTextPipe implements PipeTransform {
  transform(value: unknown, { type, data }: ArgumentMetadata): unknown {
    if (type === 'custom') return value;
    const problems: FieldProblem[] = [];
    // Body fields are named as the validation names them (`items[0].sku`); parameters by where they are (`path customerId`, `query asOf`).
    const part = type === 'body' ? '' : type === 'param' ? 'path ' : 'query ';
    collectProblems(value, data ? `${part}${data}` : '', part, 0, problems);
    if (problems.length > 0) throw new ValidationFailed(problems);
    return value;
  }
}

function collectProblems(value: unknown, field: string, part: string, depth: number, problems: FieldProblem[]): void {
  if (typeof value === 'string') {
    if (CONTROL_CHARACTERS.test(value)) problems.push({ field: field || part.trim() || 'body', message: 'must not contain control characters (such as NUL)' });
    else if (LONE_SURROGATE.test(value)) problems.push({ field: field || part.trim() || 'body', message: 'must be well-formed Unicode (it has a lone surrogate)' });
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (depth >= MAX_DEPTH) {
    problems.push({ field: field || part.trim() || 'body', message: `must not be nested more than ${MAX_DEPTH} levels deep` });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => collectProblems(item, `${field}[${index}]`, part, depth + 1, problems));
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    const path = field ? `${field}.${key}` : `${part}${key}`;
    if (CONTROL_CHARACTERS.test(key) || LONE_SURROGATE.test(key)) problems.push({ field: field || part.trim() || 'body', message: 'must not have a field name with control characters or lone surrogates' });
    else collectProblems(item, path, part, depth + 1, problems);
  }
}
