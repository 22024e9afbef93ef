import { Controller, Get, Query } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { EventContext, RebuildFrom } from '@ensemble/event-consumer';
import { InvoiceIssued, PaymentCompleted } from '@ensemble/events';
import { ZodValidationPipe } from '@ensemble/http';
import { OutboxWriter } from '@ensemble/outbox';
import { Invoice } from './invoice.entity';
import { InvoicesToIssue } from './invoices-to-issue';
import { InvoicesToRestore } from './invoices-to-restore';

@Controller()
export class InvoicesController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  /** Issues the payment's invoice and announces it, in the transaction that records the payment event as processed. */
  @EventPattern('PaymentCompleted')
  issueInvoice(@Payload() payment: PaymentCompleted, @Ctx() context: EventContext): void {
    context.buffer('invoices', () => new InvoicesToIssue(this.outbox)).add(payment, context.followingFrom(payment));
  }

  /**
   * A replay rebuilds the invoices from their announcements, never by issuing them again: the
   * numbers and ids stay those the world was told, and nothing is announced twice.
   */
  @RebuildFrom('InvoiceIssued')
  restoreInvoice(@Payload() issued: InvoiceIssued, @Ctx() context: EventContext): void {
    context.buffer('restored-invoices', () => new InvoicesToRestore()).add(issued);
  }

  @Get('invoices')
  findByPayment(@Query('paymentId', new ZodValidationPipe(z.uuid('must be a payment id (UUID)'), 'query paymentId')) paymentId: string) {
    return this.dataSource.manager.findBy(Invoice, { paymentId });
  }
}
