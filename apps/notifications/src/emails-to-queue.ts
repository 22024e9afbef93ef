import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { TransactionBuffer } from '@ensemble/event-consumer';
import { EventOrigin, InvoiceIssued, ShipmentScheduled } from '@ensemble/events';
import { OutboxWriter } from '@ensemble/outbox';
import { EMAIL_QUEUE, EmailContent, EmailJob, factsOf } from './email-job';
import { Email } from './email.entity';
import { insertEmails } from './email-rows';
import { messageIdFor } from './emails';
import { subjectOf } from './render-email';

/**
 * A transaction's emails: one insert of their rows and one of their jobs into the outbox, which
 * hands them to the work queue once they are committed, in the same transaction as the inbox rows
 * of the events that called for them. An event that names no recipient (written before events
 * carried the customer's email) leaves a row saying so, and no job.
 */
export class EmailsToQueue implements TransactionBuffer {
  private readonly emails: Email[] = [];
  private readonly jobs: Array<{ job: EmailJob; origin: EventOrigin }> = [];

  constructor(private readonly outbox: OutboxWriter) {}

  addInvoice(invoice: InvoiceIssued, origin: EventOrigin): void {
    this.add(invoice, origin, { kind: 'invoice', invoice: factsOf(invoice) });
  }

  addShipment(shipment: ShipmentScheduled, origin: EventOrigin): void {
    this.add(shipment, origin, { kind: 'shipment', shipment: factsOf(shipment) });
  }

  async flush(manager: EntityManager): Promise<void> {
    await insertEmails(manager, this.emails);
    await this.outbox.appendJobs(
      manager,
      EMAIL_QUEUE,
      this.jobs.map(({ job, origin }) => ({ id: job.emailId, aggregate: { type: 'Payment', id: job.paymentId }, kind: `${job.kind}-email`, body: job, origin })),
    );
  }

  private add(event: InvoiceIssued | ShipmentScheduled, origin: EventOrigin, content: EmailContent): void {
    const { eventId, correlationId } = event.envelope;
    const job = {
      emailId: randomUUID(),
      messageId: messageIdFor(eventId, content.kind),
      paymentId: event.paymentId,
      recipient: event.customerEmail ?? '',
      queuedAt: Date.now(),
      cause: { eventId, correlationId },
      ...content,
    } as EmailJob;
    this.emails.push(
      Object.assign(new Email(), {
        id: job.emailId,
        messageId: job.messageId,
        kind: job.kind,
        paymentId: job.paymentId,
        causeEventId: eventId,
        recipient: event.customerEmail,
        subject: subjectOf(job),
        status: event.customerEmail ? ('queued' as const) : ('no-recipient' as const),
        attempts: 0,
        queuedAt: new Date(job.queuedAt),
        sentAt: null,
        failure: null,
      }),
    );
    if (event.customerEmail) this.jobs.push({ job, origin });
  }
}
