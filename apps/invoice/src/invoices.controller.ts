import { randomUUID } from 'node:crypto';
import { Controller, Get, Query } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { EventContext } from '@ensemble/event-consumer';
import { PaymentCompleted } from '@ensemble/events';
import { ZodValidationPipe } from '@ensemble/http';
import { OutboxWriter } from '@ensemble/outbox';
import { Invoice } from './invoice.entity';

@Controller()
export class InvoicesController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  /** Issues the payment's invoice and announces it, in the transaction that records the payment event as processed. */
  @EventPattern('PaymentCompleted')
  async issueInvoice(@Payload() payment: PaymentCompleted, @Ctx() context: EventContext): Promise<void> {
    const { manager } = context;
    const issuedAt = new Date(payment.completedAt);
    const year = issuedAt.getUTCFullYear();
    const [{ last_number: sequence }] = await manager.query(
      `INSERT INTO invoice_number_sequences (year, last_number) VALUES ($1, 1)
       ON CONFLICT (year) DO UPDATE SET last_number = invoice_number_sequences.last_number + 1
       RETURNING last_number`,
      [year],
    );
    const invoice = manager.create(Invoice, {
      id: randomUUID(),
      number: `${year}-${String(sequence).padStart(6, '0')}`,
      paymentId: payment.paymentId,
      customerId: payment.customerId,
      lines: payment.items.map((item) => ({ ...item, lineTotalMinor: item.quantity * item.unitPriceMinor })),
      totalMinor: payment.amountMinor,
      currency: payment.currency,
      issuedAt,
    });
    await manager.insert(Invoice, invoice);
    await this.outbox.append(
      manager,
      'InvoiceIssued',
      { type: 'Invoice', id: invoice.id },
      {
        invoiceId: invoice.id,
        invoiceNumber: invoice.number,
        paymentId: invoice.paymentId,
        customerId: invoice.customerId,
        lines: invoice.lines,
        totalMinor: invoice.totalMinor,
        currency: invoice.currency,
        issuedAt: issuedAt.getTime(),
      },
      context.followingFrom(payment),
    );
  }

  @Get('invoices')
  findByPayment(@Query('paymentId', new ZodValidationPipe(z.uuid('must be a payment id (UUID)'), 'query paymentId')) paymentId: string) {
    return this.dataSource.manager.findBy(Invoice, { paymentId });
  }
}
