import { fieldProblems } from '@ensemble/http';
import { MAX_AMOUNT_MINOR, paymentRequest } from './payment-request';

const valid = {
  customerId: 'customer-1',
  customerEmail: 'ada@example.com',
  amountMinor: 3_500,
  currency: 'EUR',
  items: [
    { sku: 'BOOK-1', quantity: 2, unitPriceMinor: 1_000 },
    { sku: 'PEN-1', quantity: 3, unitPriceMinor: 500 },
  ],
  shippingAddress: { name: 'Ada Lovelace', line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' },
};

function problemsWith(body: unknown): Record<string, string> {
  const result = paymentRequest.safeParse(body);
  if (result.success) return {};
  return Object.fromEntries(fieldProblems(result.error).map((problem) => [problem.field, problem.message]));
}

describe('a payment request', () => {
  it('accepts a payment whose amount is the sum of its lines', () => {
    expect(problemsWith(valid)).toEqual({});
  });

  it('names each missing field', () => {
    const { customerEmail, currency, ...rest } = valid;
    expect(Object.keys(problemsWith(rest))).toEqual(expect.arrayContaining(['customerEmail', 'currency']));
  });

  it('refuses amounts that are not positive integers', () => {
    expect(problemsWith({ ...valid, amountMinor: 35.5 })).toMatchObject({ amountMinor: 'must be an integer' });
    expect(problemsWith({ ...valid, items: [{ sku: 'A', quantity: 0, unitPriceMinor: -1 }] })).toMatchObject({
      'items[0].quantity': 'must be positive',
      'items[0].unitPriceMinor': 'must be positive',
    });
    expect(problemsWith({ ...valid, amountMinor: '3500' })).toMatchObject({ amountMinor: 'must be a number' });
  });

  it('refuses an unknown currency code', () => {
    expect(problemsWith({ ...valid, currency: 'EURO' })).toMatchObject({ currency: 'must be an ISO 4217 currency code such as EUR' });
    expect(problemsWith({ ...valid, currency: 'XYZ' })).toHaveProperty('currency');
  });

  it('refuses an amount that differs from the sum of the lines', () => {
    expect(problemsWith({ ...valid, amountMinor: 3_501 })).toEqual({ amountMinor: 'must equal the sum of the lines (3500)' });
  });

  it('refuses a payment without lines', () => {
    expect(problemsWith({ ...valid, items: [], amountMinor: 1 })).toMatchObject({ items: 'must have at least one line' });
  });

  it('refuses an unknown country and unknown fields', () => {
    expect(problemsWith({ ...valid, shippingAddress: { ...valid.shippingAddress, country: 'XX' } })).toHaveProperty(['shippingAddress.country']);
    expect(problemsWith({ ...valid, discount: 10 })).toHaveProperty('body');
  });

  it.each(['EU', 'UN', 'QO', 'ZZ', 'XK', 'AC', 'gb', 'GBR'])('refuses %s, which is not an assigned ISO 3166-1 country code', (country) => {
    expect(problemsWith({ ...valid, shippingAddress: { ...valid.shippingAddress, country } })).toHaveProperty(['shippingAddress.country']);
  });

  it.each(['DE', 'SS', 'AQ', 'BQ'])('accepts %s', (country) => {
    expect(problemsWith({ ...valid, shippingAddress: { ...valid.shippingAddress, country } })).toEqual({});
  });

  it('accepts an amount at the business maximum and refuses one above it', () => {
    const at = { ...valid, amountMinor: MAX_AMOUNT_MINOR, items: [{ sku: 'A', quantity: 1, unitPriceMinor: MAX_AMOUNT_MINOR }] };
    expect(problemsWith(at)).toEqual({});
    const above = { ...valid, amountMinor: MAX_AMOUNT_MINOR + 1, items: [{ sku: 'A', quantity: 1, unitPriceMinor: MAX_AMOUNT_MINOR + 1 }] };
    expect(problemsWith(above)).toMatchObject({ amountMinor: `must be at most ${MAX_AMOUNT_MINOR}`, 'items[0].unitPriceMinor': `must be at most ${MAX_AMOUNT_MINOR}` });
    expect(problemsWith({ ...valid, amountMinor: Number.MAX_SAFE_INTEGER, items: [{ sku: 'A', quantity: 1, unitPriceMinor: Number.MAX_SAFE_INTEGER }] })).toHaveProperty('amountMinor');
  });
});
