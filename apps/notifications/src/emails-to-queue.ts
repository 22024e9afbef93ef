import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { NonRetriableError, TransactionBuffer } from '@ensemble/event-consumer';
import { EventOrigin, InvoiceIssued, ShipmentScheduled } from '@ensemble/events';
import { OutboxWriter } from '@ensemble/outbox';
import { checkEmailJob, EMAIL_QUEUE, EmailContent, EmailJob, factsOf, isEmailAddress } from './email-job';
import { Email } from './email.entity';
import { insertEmails } from './email-rows';
import { messageIdFor } from './emails';
import { subjectOf } from './render-email';

/**
 * A transaction's emails: one insert of their rows and one of their jobs into the outbox, which
 * hands them to the work queue once they are committed, in the same transaction as the inbox rows
 * of the events that called for them. An event that names no recipient (written before events
 * carried the customer's email) or names it wrong leaves a row saying so, and no job.
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
    const recipient = event.customerEmail !== null && isEmailAddress(event.customerEmail) ? event.customerEmail : undefined;
    const job = {
      emailId: randomUUID(),
      messageId: messageIdFor(eventId, content.kind),
      paymentId: event.paymentId,
      recipient: recipient ?? '',
      queuedAt: Date.now(),
      cause: { eventId, correlationId },
      ...content,
    } as EmailJob;
    // An event that no worker could make an email of fails here, on its own, with what is wrong with it: not after retries on the queue.
    let subject: string;
    try {
      subject = subjectOf(job);
      if (recipient) checkEmailJob(job);
    } catch (error) {
      throw new NonRetriableError(`no email can be made of this ${event.envelope.eventType}: ${(error as Error).message}`);
    }
    this.emails.push(
      Object.assign(new Email(), {
        id: job.emailId,
        messageId: job.messageId,
        kind: job.kind,
        paymentId: job.paymentId,
        causeEventId: eventId,
        recipient: event.customerEmail,
        subject,
        status: recipient ? ('queued' as const) : ('no-recipient' as const),
        attempts: 0,
        queuedAt: new Date(job.queuedAt),
        sentAt: null,
        failure: event.customerEmail !== null && !recipient ? 'customerEmail is not an email address' : null,
      }),
    );
    if (recipient) this.jobs.push({ job, origin });
  }
}
