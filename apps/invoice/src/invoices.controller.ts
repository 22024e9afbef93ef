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
  async restoreInvoice(@Payload() issued: InvoiceIssued, @Ctx() context: EventContext): Promise<void> {
    await context.manager.insert(Invoice, {
      id: issued.invoiceId,
      number: issued.invoiceNumber,
      paymentId: issued.paymentId,
      customerId: issued.customerId,
      lines: issued.lines,
      totalMinor: issued.totalMinor,
      currency: issued.currency,
      issuedAt: new Date(issued.issuedAt),
    });
    const [year, sequence] = issued.invoiceNumber.split('-').map(Number);
    await context.manager.query(
      `INSERT INTO invoice_number_sequences AS sequence (year, last_number) VALUES ($1, $2)
       ON CONFLICT (year) DO UPDATE SET last_number = GREATEST(sequence.last_number, EXCLUDED.last_number)`,
      [year, sequence],
    );
  }

  @Get('invoices')
  findByPayment(@Query('paymentId', new ZodValidationPipe(z.uuid('must be a payment id (UUID)'), 'query paymentId')) paymentId: string) {
    return this.dataSource.manager.findBy(Invoice, { paymentId });
  }
}
