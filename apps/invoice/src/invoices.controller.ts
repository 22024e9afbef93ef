import { Controller, Get, Query } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { EventContext } from '@ensemble/event-consumer';
import { PaymentCompleted } from '@ensemble/events';
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

  @Get('invoices')
  findByPayment(@Query('paymentId', new ZodValidationPipe(z.uuid('must be a payment id (UUID)'), 'query paymentId')) paymentId: string) {
    return this.dataSource.manager.findBy(Invoice, { paymentId });
  }
}
