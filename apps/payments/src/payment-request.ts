import { z } from 'zod';

import { ISO_3166_COUNTRIES } from './countries';

/** ISO 4217 codes as the runtime's ICU data knows them. */
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/**
 * The largest amount a payment (and a line's unit price) may have, in minor units: 10^12, ten
 * billion of a currency with cents. The business limit, well inside what every consumer's bigint
 * columns and the events' Avro longs hold exactly.
 */
export const MAX_AMOUNT_MINOR = 1_000_000_000_000;

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const positiveInteger = z.number({ error: 'must be a number' }).int('must be an integer').positive('must be positive');
const amount = positiveInteger.max(MAX_AMOUNT_MINOR, `must be at most ${MAX_AMOUNT_MINOR}`);

const paymentLine = z.strictObject({
  sku: text(64),
  quantity: positiveInteger.max(10_000, 'must be at most 10000'),
  unitPriceMinor: amount,
});

/** The body of POST /payments. Unknown fields are refused rather than silently dropped. */
export const paymentRequest = z
  .strictObject({
    customerId: text(100),
    customerEmail: z.email('must be an email address').max(254),
    amountMinor: amount,
    currency: z.string().refine((code) => CURRENCIES.has(code), 'must be an ISO 4217 currency code such as EUR'),
    items: z.array(paymentLine).min(1, 'must have at least one line').max(100, 'must have at most 100 lines'),
    shippingAddress: z.strictObject({
      name: text(200),
      line1: text(200),
      city: text(100),
      postalCode: text(20),
      country: z.string().refine((code) => ISO_3166_COUNTRIES.has(code), 'must be an ISO 3166-1 alpha-2 country code such as DE'),
    }),
  })
  .superRefine((payment, context) => {
    const total = payment.items.reduce((sum, line) => sum + line.quantity * line.unitPriceMinor, 0);
    if (total !== payment.amountMinor) {
      context.addIssue({
        code: 'custom',
        path: ['amountMinor'],
        message: `must equal the sum of the lines (${total})`,
      });
    }
  });

export type PaymentRequest = z.infer<typeof paymentRequest>;

export const idempotencyKey = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'is required')
  .max(255, 'must be at most 255 characters');
