import { headerValue } from './header-value';

describe('headerValue', () => {
  it('makes every run of line breaks and control characters one space', () => {
    expect(headerValue('Invoice 1\r\nBcc: victim@example.com')).toBe('Invoice 1 Bcc: victim@example.com');
    expect(headerValue('a\rb\nc\u2028d\u2029e\u0085f\tg\u0000h')).toBe('a b c d e f g h');
  });

  it('trims the ends and keeps the rest as written', () => {
    expect(headerValue('  \r\nYour invoice «2026-000042» & more\n')).toBe('Your invoice «2026-000042» & more');
  });
});
