import { FieldProblem } from '@ensemble/errors';
import { ApiErrorBody, ValidationFailed } from './api-error';
import { WellFormedTextPipe } from './well-formed-text.pipe';

const pipe = new WellFormedTextPipe();

function problems(value: unknown, type: 'body' | 'param' | 'query' = 'body', data?: string): FieldProblem[] {
  try {
    pipe.transform(value, { type, data });
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationFailed);
    return ((error as ValidationFailed).getResponse() as ApiErrorBody).error.fields ?? [];
  }
}

describe('WellFormedTextPipe', () => {
  it('lets well-formed text through, accents and emoji included', () => {
    expect(problems({ name: 'Zoë 🚲', items: [{ sku: 'A-1' }] })).toEqual([]);
  });

  it.each([
    ['NUL', 'Ada\u0000'],
    ['another C0 control', 'line\u0007'],
    ['a newline', 'two\nlines'],
    ['DEL', 'x\u007f'],
    ['a lone high surrogate', 'x\ud800'],
    ['a lone low surrogate', '\udc00x'],
  ])('names the body field that holds %s', (_case, text) => {
    expect(problems({ shippingAddress: { name: text }, items: [{ sku: 'ok' }, { sku: text }] }).map((problem) => problem.field)).toEqual([
      'shippingAddress.name',
      'items[1].sku',
    ]);
  });

  it('names a path or query parameter', () => {
    expect(problems('c\u0000', 'param', 'customerId')).toEqual([expect.objectContaining({ field: 'path customerId' })]);
    expect(problems({ asOf: '\ud800' }, 'query')).toEqual([expect.objectContaining({ field: 'query asOf' })]);
  });

  it('refuses a body nested deeper than any request needs, without walking it', () => {
    let nested: unknown = 'leaf';
    for (let depth = 0; depth < 10_000; depth++) nested = { nested };
    expect(problems(nested)).toHaveLength(1);
  });
});
