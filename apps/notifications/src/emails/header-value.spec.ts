import { headerValue, MAX_HEADER_VALUE_LENGTH } from './header-value';

describe('headerValue', () => {
  it('makes every run of line breaks and control characters one space', () => {
    expect(headerValue('Invoice 1\r\nBcc: victim@example.com')).toBe('Invoice 1 Bcc: victim@example.com');
    expect(headerValue('a\rb\nc\u2028d\u2029e\u0085f\tg\u0000h')).toBe('a b c d e f g h');
  });

  it('trims the ends and keeps the rest as written', () => {
    expect(headerValue('  \r\nYour invoice «2026-000042» & more\n')).toBe('Your invoice «2026-000042» & more');
  });

  it('drops format characters, so that a bidirectional override cannot make a subject read otherwise', () => {
    expect(headerValue('Your invoice \u202e9102-tset\u202c\u2066 now\u2069')).toBe('Your invoice 9102-tset now');
  });

  it('cuts a value longer than the limit, ending it with an ellipsis', () => {
    const cut = headerValue(`Your invoice ${'9'.repeat(1_000_000)}`);
    expect(cut).toHaveLength(MAX_HEADER_VALUE_LENGTH);
    expect(cut.endsWith('…')).toBe(true);
    expect(headerValue('x'.repeat(MAX_HEADER_VALUE_LENGTH))).toBe('x'.repeat(MAX_HEADER_VALUE_LENGTH));
  });
});
