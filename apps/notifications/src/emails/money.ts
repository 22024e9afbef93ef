/**
 * ISO 4217's minor unit of the currencies whose minor unit is not a hundredth: amounts in events are
 * counts of it (`totalMinor`, `unitPriceMinor`), so 1234 JPY is ¥1,234 and 1234 KWD is KWD 1.234.
 * Intl's own digits (CLDR's) are not used for this: they are the digits shown in everyday use,
 * which for some currencies (HUF, COP, IDR, IQD…) drop a minor unit that ISO 4217 and the amounts keep.
 */
const MINOR_UNIT_DIGITS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** The digits after the decimal point of an amount in `currency` (ISO 4217 code): 2 unless listed. */
export function minorUnitDigits(currency: string): number {
  return MINOR_UNIT_DIGITS[currency.toUpperCase()] ?? 2;
}

/**
 * An amount given in the currency's minor unit, as a reader of `locale` writes it, with every
 * digit of the minor unit: `formatMoney(123450, 'EUR', 'en-GB')` is "€1,234.50". Throws a
 * RangeError for a code that is not a currency.
 */
export function formatMoney(minor: number, currency: string, locale: string): string {
  const digits = minorUnitDigits(currency);
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
  return format.format(minor / 10 ** digits);
}
