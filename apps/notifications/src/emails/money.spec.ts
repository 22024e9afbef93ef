import { formatMoney, minorUnitDigits } from './money';

describe('formatMoney', () => {
  it.each([
    [123450, 'EUR', '€1,234.50'],
    [5, 'EUR', '€0.05'],
    [-2599, 'EUR', '-€25.99'],
    [123456789012, 'USD', 'US$1,234,567,890.12'],
    [1234, 'JPY', 'JP¥1,234'],
    [1234, 'KRW', '₩1,234'],
    [1234, 'KWD', 'KWD\u00a01.234'],
    [1234567, 'BHD', 'BHD\u00a01,234.567'],
    [12345, 'CLF', 'CLF\u00a01.2345'],
  ])('writes %d minor units of %s as %s', (minor, currency, written) => {
    expect(formatMoney(minor, currency, 'en-GB')).toBe(written);
  });

  it('keeps the minor unit ISO 4217 gives where everyday use, and Intl by default, drops it', () => {
    expect(new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'HUF' }).format(1234.5)).toBe('HUF\u00a01,235');
    expect(formatMoney(123450, 'HUF', 'en-GB')).toBe('HUF\u00a01,234.50');
    expect(formatMoney(123450, 'IQD', 'en-GB')).toBe('IQD\u00a0123.450');
  });

  it('writes the amount as the reader’s locale does', () => {
    expect(formatMoney(123450, 'EUR', 'de-DE')).toBe('1.234,50\u00a0€');
    expect(formatMoney(1234, 'KWD', 'fr-FR')).toBe('1,234\u00a0KWD');
  });

  it('refuses a code that is not a currency', () => {
    expect(() => formatMoney(100, 'EURO', 'en-GB')).toThrow(RangeError);
  });
});

describe('minorUnitDigits', () => {
  it('is 2 unless ISO 4217 says otherwise, whatever the case of the code', () => {
    expect(['EUR', 'usd', 'JPY', 'kwd', 'CLF'].map(minorUnitDigits)).toEqual([2, 2, 0, 3, 4]);
  });
});
