import { isDeepStrictEqual } from 'node:util';
import type { EnsembleEvent, PaymentCompleted } from '@ensemble/events';
import type { RecordPosition } from '@ensemble/kafka';
import type { Payment } from './payment.entity';

/** A payment as its events tell it. */
export interface PaymentFromEvents {
  payment: Payment;
  /** The distinct eventIds of its PaymentCompleted events; more than one means it was completed twice. */
  completedEventIds: string[];
}

export type PaymentField = Exclude<keyof Payment, 'id'>;

const COMPARED_FIELDS: PaymentField[] = [
  'customerId',
  'customerEmail',
  'amountMinor',
  'currency',
  'items',
  'shippingAddress',
  'completedAt',
  'correlationId',
];

/** Where the payments table and the payments events disagree. */
export type PaymentDifference =
  | { kind: 'payment-without-event'; paymentId: string }
  | { kind: 'event-without-payment'; paymentId: string; eventId: string }
  | { kind: 'completed-more-than-once'; paymentId: string; eventIds: string[] }
  | { kind: 'field-differs'; paymentId: string; field: PaymentField; database: unknown; events: unknown }
  /** A record on a payments topic that no event can be read from, so whatever it announced cannot be checked. */
  | ({ kind: 'undecodable-record'; key: string | null; reason: string } & RecordPosition);

/**
 * Rebuilds every payment from the payments events, in topic order. A PaymentCompleted delivered
 * again with the same eventId is the outbox's at-least-once redelivery and changes nothing; one
 * with another eventId is kept as a second completion, since a payment is completed once.
 */
export function foldPaymentEvents(events: Iterable<EnsembleEvent>): Map<string, PaymentFromEvents> {
  const payments = new Map<string, PaymentFromEvents>();
  for (const event of events) {
    const { eventType, eventId } = event.envelope;
    if (eventType !== 'PaymentCompleted') {
      throw new Error(`The payment history does not know how ${eventType} (event ${eventId}) changes a payment; add it to foldPaymentEvents`);
    }
    const completed = event as PaymentCompleted;
    const known = payments.get(completed.paymentId);
    if (!known) {
      payments.set(completed.paymentId, { payment: paymentCompletedBy(completed), completedEventIds: [eventId] });
    } else if (!known.completedEventIds.includes(eventId)) {
      known.completedEventIds.push(eventId);
    }
  }
  return payments;
}

/** Every difference between the payments table and the payments rebuilt from events. */
export function differences(rows: Payment[], fromEvents: Map<string, PaymentFromEvents>): PaymentDifference[] {
  const found: PaymentDifference[] = [];
  const rowIds = new Set(rows.map((row) => row.id));
  for (const row of rows) {
    const folded = fromEvents.get(row.id);
    if (!folded) {
      found.push({ kind: 'payment-without-event', paymentId: row.id });
      continue;
    }
    for (const field of COMPARED_FIELDS) {
      if (!isDeepStrictEqual(row[field], folded.payment[field])) {
        found.push({ kind: 'field-differs', paymentId: row.id, field, database: row[field], events: folded.payment[field] });
      }
    }
  }
  for (const [paymentId, { completedEventIds }] of fromEvents) {
    if (!rowIds.has(paymentId)) found.push({ kind: 'event-without-payment', paymentId, eventId: completedEventIds[0] });
    if (completedEventIds.length > 1) found.push({ kind: 'completed-more-than-once', paymentId, eventIds: completedEventIds });
  }
  return found;
}

/** The row that recorded the payment, as the event tells it; Avro's record classes become plain objects, as the row's jsonb columns are. */
function paymentCompletedBy(event: PaymentCompleted): Payment {
  return {
    id: event.paymentId,
    customerId: event.customerId,
    customerEmail: event.customerEmail,
    amountMinor: event.amountMinor,
    currency: event.currency,
    items: event.items.map((line) => ({ ...line })),
    shippingAddress: { ...event.shippingAddress },
    completedAt: new Date(event.completedAt),
    correlationId: event.envelope.correlationId,
  };
}
