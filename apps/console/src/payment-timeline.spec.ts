import { randomUUID } from 'node:crypto';
import { EmailSent, EventEnvelope } from '@ensemble/events';
import { paymentCompletedEvent } from '@ensemble/testing';
import { PaymentTimeline } from './payment-timeline';

const PAYMENTS = { topic: 'payments.payment-completed', partition: 2, offset: '41' };
const INVOICES = { topic: 'invoice.invoice-issued', partition: 4, offset: '7' };
const EMAILS = { topic: 'notifications.email-sent', partition: 1, offset: '3' };
const MAILDEV = 'http://127.0.0.1:1080';

/** The envelope of an event that `payment`'s event caused. */
function followOnEnvelope(payment: ReturnType<typeof paymentCompletedEvent>, eventType: string): EventEnvelope {
  return { eventId: randomUUID(), eventType, occurredAt: Date.now(), aggregateId: randomUUID(), correlationId: payment.envelope.correlationId, causationId: payment.envelope.eventId, producer: 'invoice' };
}

/** The EmailSent of an email about `payment`, caused by one of its follow-on events. */
function emailSent(payment: ReturnType<typeof paymentCompletedEvent>, kind: EmailSent['kind'], sentAt: number): EmailSent {
  const emailId = randomUUID();
  return {
    envelope: { ...followOnEnvelope(payment, 'EmailSent'), aggregateId: emailId, causationId: randomUUID(), producer: 'notifications' },
    emailId,
    messageId: `<${kind}.${randomUUID()}@notifications.ensemble.local>`,
    kind,
    paymentId: payment.paymentId,
    recipient: 'ada@example.com',
    subject: kind === 'invoice' ? 'Your invoice 2026-000042' : 'Your order leaves our warehouse on 4 December 2026',
    queuedAt: sentAt - 30,
    sentAt,
    attempts: 1,
  };
}

describe('PaymentTimeline', () => {
  it('times a payment posted through the live view from its POST', () => {
    const timeline = new PaymentTimeline(10);
    const payment = paymentCompletedEvent(1, { completedAt: 1_010 });

    timeline.posted(payment, { sentAt: 1_000, status: 201, tookMs: 15 });
    timeline.completed(payment, PAYMENTS, 1_030);
    timeline.reacted(payment.paymentId, 'dashboards', {}, 1_075);

    const [row] = timeline.takeChanges();
    expect(row).toMatchObject({ since: 'post', startedAt: 1_000, post: { status: 201, tookMs: 15 }, completed: { ...PAYMENTS, afterMs: 30 }, reactions: { dashboards: { afterMs: 75 } } });
  });

  it('times a payment posted elsewhere from its completedAt, whichever of POST and record comes first', () => {
    const timeline = new PaymentTimeline(10);
    const elsewhere = paymentCompletedEvent(1, { completedAt: 2_000 });
    const postedLate = paymentCompletedEvent(2, { completedAt: 3_010 });

    timeline.completed(elsewhere, PAYMENTS, 2_020);
    timeline.completed(postedLate, { ...PAYMENTS, offset: '42' }, 3_020);
    timeline.posted(postedLate, { sentAt: 3_000, status: 201, tookMs: 40 });

    const rows = timeline.recent();
    expect(rows[0]).toMatchObject({ paymentId: elsewhere.paymentId, since: 'completedAt', completed: { afterMs: 20 } });
    expect(rows[1]).toMatchObject({ paymentId: postedLate.paymentId, since: 'post', completed: { afterMs: 20 } });
  });

  it('keeps the first record of a payment whose record was sent twice', () => {
    const timeline = new PaymentTimeline(10);
    const payment = paymentCompletedEvent(1, { completedAt: 1_000 });

    timeline.completed(payment, PAYMENTS, 1_010);
    timeline.completed(payment, { ...PAYMENTS, offset: '99' }, 1_500);

    expect(timeline.recent()).toEqual([expect.objectContaining({ completed: { ...PAYMENTS, afterMs: 10 } })]);
  });

  it('puts a follow-on event and the reaction it announces under the payment of its correlation id', () => {
    const timeline = new PaymentTimeline(10);
    const payment = paymentCompletedEvent(1, { completedAt: 1_000 });
    const other = paymentCompletedEvent(2, { completedAt: 1_000 });
    timeline.completed(payment, PAYMENTS, 1_010);
    timeline.completed(other, { ...PAYMENTS, offset: '42' }, 1_010);

    timeline.followedOn(followOnEnvelope(payment, 'InvoiceIssued'), INVOICES, 1_050, { service: 'invoice', facts: { invoiceNumber: '2026-000042' } });

    const [row, otherRow] = timeline.recent();
    expect(row.followOns).toEqual([{ ...INVOICES, eventType: 'InvoiceIssued', afterMs: 50 }]);
    expect(row.reactions.invoice).toEqual({ invoiceNumber: '2026-000042', afterMs: 50 });
    expect(otherRow.followOns).toEqual([]);
    expect(otherRow.reactions).toEqual({});
  });

  it('keeps a follow-on event that comes before its payment until the payment comes', () => {
    const timeline = new PaymentTimeline(10);
    const payment = paymentCompletedEvent(1, { completedAt: 1_000 });

    timeline.followedOn(followOnEnvelope(payment, 'ShipmentScheduled'), INVOICES, 1_040, { service: 'shipping', facts: { shipmentId: 'shipment-1', scheduledFor: 5_000 } });
    expect(timeline.takeChanges()).toEqual([]);
    timeline.completed(payment, PAYMENTS, 1_060);

    const [row] = timeline.takeChanges();
    expect(row.followOns).toEqual([{ ...INVOICES, eventType: 'ShipmentScheduled', afterMs: 40 }]);
    expect(row.reactions.shipping).toEqual({ shipmentId: 'shipment-1', scheduledFor: 5_000, afterMs: 40 });
  });

  it('lists the payments still awaiting a service, and keeps only the first reaction of each', () => {
    const timeline = new PaymentTimeline(10);
    const payment = paymentCompletedEvent(1, { completedAt: 1_000 });
    timeline.completed(payment, PAYMENTS, 1_010);

    expect(timeline.awaiting('crm')).toEqual([{ payment: expect.objectContaining({ paymentId: payment.paymentId }), record: expect.objectContaining(PAYMENTS) }]);
    timeline.reacted(payment.paymentId, 'crm', { lifetimeValueMinor: 2_500 }, 1_100);
    timeline.reacted(payment.paymentId, 'crm', { lifetimeValueMinor: 9_999 }, 1_200);

    expect(timeline.awaiting('crm')).toEqual([]);
    expect(timeline.recent()[0].reactions.crm).toEqual({ lifetimeValueMinor: 2_500, afterMs: 100 });
  });

  it('reports each changed payment once, and forgets the oldest beyond its capacity', () => {
    const timeline = new PaymentTimeline(2);
    const payments = [1, 2, 3].map((seed) => paymentCompletedEvent(seed));
    payments.forEach((payment, index) => timeline.completed(payment, { ...PAYMENTS, offset: String(index) }, Date.now()));

    expect(timeline.takeChanges().map((row) => row.paymentId)).toEqual([payments[1].paymentId, payments[2].paymentId]);
    expect(timeline.takeChanges()).toEqual([]);
    expect(timeline.recent().map((row) => row.paymentId)).toEqual([payments[1].paymentId, payments[2].paymentId]);
  });

  it("puts each email under the payment it names, as the notifications service's reaction timed by the last, with its kind and subject but not its recipient", () => {
    const timeline = new PaymentTimeline(10);
    const payment = paymentCompletedEvent(1, { completedAt: 1_010 });
    timeline.posted(payment, { sentAt: 1_000, status: 201, tookMs: 15 });
    timeline.completed(payment, PAYMENTS, 1_030);
    const invoice = emailSent(payment, 'invoice', 1_390);
    const shipment = emailSent(payment, 'shipment', 1_440);

    timeline.emailed(invoice, EMAILS, 1_400, MAILDEV);
    timeline.emailed(shipment, { ...EMAILS, offset: '4' }, 1_450, MAILDEV);

    const [row] = timeline.takeChanges();
    expect(row.reactions.notifications).toEqual({
      emails: [
        { emailId: invoice.emailId, kind: 'invoice', subject: 'Your invoice 2026-000042', sentAt: 1_390, attempts: 1, mailUrl: MAILDEV, afterMs: 400 },
        { emailId: shipment.emailId, kind: 'shipment', subject: 'Your order leaves our warehouse on 4 December 2026', sentAt: 1_440, attempts: 1, mailUrl: MAILDEV, afterMs: 450 },
      ],
      afterMs: 450,
    });
    expect(row.followOns).toEqual([
      { ...EMAILS, eventType: 'EmailSent', afterMs: 400 },
      { ...EMAILS, offset: '4', eventType: 'EmailSent', afterMs: 450 },
    ]);
    expect(JSON.stringify(row)).not.toContain('ada@example.com');
  });

  it('keeps an email that comes before its payment until the payment comes', () => {
    const timeline = new PaymentTimeline(10);
    const payment = paymentCompletedEvent(1, { completedAt: 1_000 });

    timeline.emailed(emailSent(payment, 'invoice', 1_030), EMAILS, 1_040, MAILDEV);
    expect(timeline.takeChanges()).toEqual([]);
    timeline.completed(payment, PAYMENTS, 1_060);

    const [row] = timeline.takeChanges();
    expect(row.reactions.notifications?.emails).toEqual([expect.objectContaining({ kind: 'invoice', afterMs: 40 })]);
    expect(row.followOns).toEqual([{ ...EMAILS, eventType: 'EmailSent', afterMs: 40 }]);
  });

  it('counts an email announced twice once, and shows both of its records', () => {
    const timeline = new PaymentTimeline(10);
    const payment = paymentCompletedEvent(1, { completedAt: 1_000 });
    timeline.completed(payment, PAYMENTS, 1_010);
    const invoice = emailSent(payment, 'invoice', 1_030);

    timeline.emailed(invoice, EMAILS, 1_040, MAILDEV);
    timeline.emailed(invoice, { ...EMAILS, offset: '9' }, 1_900, MAILDEV);

    const [row] = timeline.recent();
    expect(row.reactions.notifications).toEqual({ emails: [expect.objectContaining({ emailId: invoice.emailId, afterMs: 40 })], afterMs: 40 });
    expect(row.followOns.map(({ offset }) => offset)).toEqual(['3', '9']);
  });
});
