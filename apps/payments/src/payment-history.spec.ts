import { randomUUID } from 'node:crypto';
import { EnsembleEvent, InvoiceIssued, PaymentCompleted } from '@ensemble/events';
import { paymentCompletedEvent } from '@ensemble/testing';
import { differences, foldPaymentEvents } from './payment-history';
import { Payment } from './payment.entity';

function completed(seed: number): PaymentCompleted {
  const paymentId = randomUUID();
  return paymentCompletedEvent(seed, { paymentId }, paymentId);
}

/** The row the payments service wrote together with `event`. */
function rowOf(event: PaymentCompleted): Payment {
  return {
    id: event.paymentId,
    customerId: event.customerId,
    customerEmail: event.customerEmail,
    amountMinor: event.amountMinor,
    currency: event.currency,
    items: event.items,
    shippingAddress: event.shippingAddress,
    completedAt: new Date(event.completedAt),
    correlationId: event.envelope.correlationId,
  };
}

describe('foldPaymentEvents', () => {
  it('rebuilds each payment from its PaymentCompleted, the correlation id taken from the envelope', () => {
    const event = completed(4);

    const folded = foldPaymentEvents([event]);

    expect([...folded.keys()]).toEqual([event.paymentId]);
    expect(folded.get(event.paymentId)).toEqual({ payment: rowOf(event), completedEventIds: [event.envelope.eventId] });
  });

  it('ignores a redelivered PaymentCompleted with the same eventId', () => {
    const event = completed(4);

    const folded = foldPaymentEvents([event, { ...event }]);

    expect(folded.get(event.paymentId)!.completedEventIds).toEqual([event.envelope.eventId]);
  });

  it('keeps the first state and every eventId when a payment is completed again under another eventId', () => {
    const first = completed(4);
    const second = { ...first, amountMinor: first.amountMinor + 1, envelope: { ...first.envelope, eventId: randomUUID() } };

    const folded = foldPaymentEvents([first, second]);

    expect(folded.get(first.paymentId)).toEqual({
      payment: rowOf(first),
      completedEventIds: [first.envelope.eventId, second.envelope.eventId],
    });
  });

  it('refuses an event type it does not know how to apply, naming it', () => {
    const invoiceIssued = { envelope: { ...completed(1).envelope, eventType: 'InvoiceIssued' } } as InvoiceIssued;

    expect(() => foldPaymentEvents([invoiceIssued as EnsembleEvent])).toThrow(/InvoiceIssued/);
  });
});

describe('differences', () => {
  it('finds none when every row matches its events, Avro record classes and jsonb key order notwithstanding', () => {
    class PaymentLine {
      constructor(
        readonly sku: string,
        readonly quantity: number,
        readonly unitPriceMinor: number,
      ) {}
    }
    const event = completed(5);
    const decoded = { ...event, items: event.items.map((line) => new PaymentLine(line.sku, line.quantity, line.unitPriceMinor)) };
    const { country, ...address } = event.shippingAddress;
    const row = { ...rowOf(event), items: event.items.map(({ unitPriceMinor, sku, quantity }) => ({ unitPriceMinor, sku, quantity })), shippingAddress: { country, ...address } };

    expect(differences([row], foldPaymentEvents([decoded]))).toEqual([]);
  });

  it('lists a payment row that no event announced', () => {
    const row = rowOf(completed(6));

    expect(differences([row], foldPaymentEvents([]))).toEqual([{ kind: 'payment-without-event', paymentId: row.id }]);
  });

  it('lists an event whose payment has no row', () => {
    const event = completed(6);

    expect(differences([], foldPaymentEvents([event]))).toEqual([
      { kind: 'event-without-payment', paymentId: event.paymentId, eventId: event.envelope.eventId },
    ]);
  });

  it('lists a payment completed under two eventIds', () => {
    const first = completed(7);
    const second = { ...first, envelope: { ...first.envelope, eventId: randomUUID() } };

    expect(differences([rowOf(first)], foldPaymentEvents([first, second]))).toEqual([
      { kind: 'completed-more-than-once', paymentId: first.paymentId, eventIds: [first.envelope.eventId, second.envelope.eventId] },
    ]);
  });

  it('names each field that differs, with the database value and the events value', () => {
    const event = completed(8);
    const row = {
      ...rowOf(event),
      amountMinor: event.amountMinor + 1,
      items: [{ ...event.items[0], quantity: 9 }],
      completedAt: new Date(event.completedAt + 1),
      correlationId: 'elsewhere',
    };

    expect(differences([row], foldPaymentEvents([event]))).toEqual([
      { kind: 'field-differs', paymentId: event.paymentId, field: 'amountMinor', database: row.amountMinor, events: event.amountMinor },
      { kind: 'field-differs', paymentId: event.paymentId, field: 'items', database: row.items, events: event.items },
      { kind: 'field-differs', paymentId: event.paymentId, field: 'completedAt', database: row.completedAt, events: new Date(event.completedAt) },
      { kind: 'field-differs', paymentId: event.paymentId, field: 'correlationId', database: 'elsewhere', events: event.envelope.correlationId },
    ]);
  });
});
