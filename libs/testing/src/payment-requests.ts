import { randomUUID } from 'node:crypto';
import { PaymentCompleted } from '@ensemble/events';
import { JsonResponse, postJson } from './post-json';

/** A valid POST /payments body; `seed` varies the customer and amounts. */
export function paymentBody(seed = 1) {
  const quantity = (seed % 3) + 1;
  const unitPriceMinor = 1_000 + (seed % 97);
  return {
    customerId: `customer-${seed % 50}`,
    customerEmail: `customer-${seed % 50}@example.com`,
    amountMinor: quantity * unitPriceMinor,
    currency: seed % 2 === 0 ? 'EUR' : 'USD',
    items: [{ sku: `SKU-${seed % 7}`, quantity, unitPriceMinor }],
    shippingAddress: { name: 'Ada Lovelace', line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' },
  };
}

export function postPayment(baseUrl: string, body: unknown, key: string = randomUUID(), headers: Record<string, string> = {}): Promise<JsonResponse> {
  return postJson(`${baseUrl}/payments`, body, { 'Idempotency-Key': key, ...headers });
}

/**
 * A PaymentCompleted as the payments service publishes it for `paymentBody(seed)`, for records a
 * spec or benchmark produces itself; `facts` override the body's, and `aggregateId` sets the payment id (its aggregate's).
 */
export function paymentCompletedEvent(seed = 1, facts: Partial<Omit<PaymentCompleted, 'envelope'>> = {}, aggregateId?: string): PaymentCompleted {
  const paymentId = aggregateId ?? randomUUID();
  return {
    envelope: { eventId: randomUUID(), eventType: 'PaymentCompleted', occurredAt: Date.now(), aggregateId: paymentId, correlationId: paymentId, causationId: null, producer: 'payments' },
    paymentId,
    ...paymentBody(seed),
    completedAt: Date.now(),
    ...facts,
  };
}

/** What a payment request left in a payments database, found by its customer id and Idempotency-Key: rows of each table. */
export async function writtenForPayment(db: { query(sql: string, values: unknown[]): Promise<{ rows: unknown[] }> }, customerId: string, key: string) {
  const { rows } = await db.query(
    `SELECT (SELECT count(*) FROM payments WHERE customer_id = $1)::int AS payments,
            (SELECT count(*) FROM outbox WHERE payload->>'customerId' = $1)::int AS outbox,
            (SELECT count(*) FROM idempotency_keys WHERE key = $2)::int AS keys`,
    [customerId, key],
  );
  return rows[0] as { payments: number; outbox: number; keys: number };
}
