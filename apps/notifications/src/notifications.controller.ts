import { Controller, Get, Query } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { EventContext, RebuildFrom } from '@ensemble/event-consumer';
import { EmailSent, InvoiceIssued, ShipmentScheduled } from '@ensemble/events';
import { ZodValidationPipe } from '@ensemble/http';
import { OutboxWriter } from '@ensemble/outbox';
import { Email } from './email.entity';
import { EmailsToQueue } from './emails-to-queue';
import { EmailsToRestore } from './emails-to-restore';

@Controller()
export class NotificationsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  /** Queues the invoice's email to the customer. */
  @EventPattern('InvoiceIssued')
  queueInvoiceEmail(@Payload() invoice: InvoiceIssued, @Ctx() context: EventContext): void {
    context.buffer('emails', () => new EmailsToQueue(this.outbox)).addInvoice(invoice, context.followingFrom(invoice));
  }

  /** Queues the email telling the customer when the parcel leaves. */
  @EventPattern('ShipmentScheduled')
  queueShipmentEmail(@Payload() shipment: ShipmentScheduled, @Ctx() context: EventContext): void {
    context.buffer('emails', () => new EmailsToQueue(this.outbox)).addShipment(shipment, context.followingFrom(shipment));
  }

  /** A replay rebuilds the sent emails from their announcements: nothing is queued or sent again. */
  @RebuildFrom('EmailSent')
  restoreEmail(@Payload() sent: EmailSent, @Ctx() context: EventContext): void {
    context.buffer('restored-emails', () => new EmailsToRestore()).add(sent);
  }

  /** A payment's emails, in the order they were queued, each with where it stands. */
  @Get('notifications')
  async findByPayment(@Query('paymentId', new ZodValidationPipe(z.uuid('must be a payment id (UUID)'), 'query paymentId')) paymentId: string) {
    const emails = await this.dataSource.manager.find(Email, { where: { paymentId }, order: { queuedAt: 'ASC', kind: 'ASC' } });
    return emails.map((email) => ({
      id: email.id,
      kind: email.kind,
      messageId: email.messageId,
      recipient: email.recipient,
      subject: email.subject,
      status: email.status,
      attempts: email.attempts,
      queuedAt: email.queuedAt.toISOString(),
      sentAt: email.sentAt?.toISOString() ?? null,
      failure: email.failure,
    }));
  }
}
