import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { preparedQuery } from '@ensemble/database';
import { TransactionBuffer } from '@ensemble/event-consumer';
import { EventOrigin, PaymentCompleted } from '@ensemble/events';
import { OutboxWriter } from '@ensemble/outbox';
import { insertInvoices } from './invoice-rows';
import { Invoice } from './invoice.entity';

/**
 * A transaction's invoices, issued together: one reservation of numbers per year, one insert of the
 * invoices and one of their InvoiceIssued events. The year's number row stays locked until the
 * transaction commits, and a rollback gives the numbers back: the sequence has no gaps.
 */
export class InvoicesToIssue implements TransactionBuffer {
  private readonly payments: Array<{ payment: PaymentCompleted; origin: EventOrigin }> = [];

  constructor(private readonly outbox: OutboxWriter) {}

  add(payment: PaymentCompleted, origin: EventOrigin): void {
    this.payments.push({ payment, origin });
  }

  async flush(manager: EntityManager): Promise<void> {
    const byYear = new Map<number, Array<{ payment: PaymentCompleted; origin: EventOrigin }>>();
    for (const entry of this.payments) {
      const year = new Date(entry.payment.completedAt).getUTCFullYear();
      byYear.set(year, [...(byYear.get(year) ?? []), entry]);
    }
    const issued: Array<{ invoice: Invoice; customerEmail: string; origin: EventOrigin }> = [];
    // Years in ascending order, so that concurrent transactions lock their rows in the same order.
    for (const [year, entries] of [...byYear].sort(([a], [b]) => a - b)) {
      const [{ last_number: last }] = await preparedQuery<{ last_number: number }>(
        manager,
        'invoice-reserve-numbers',
        `INSERT INTO invoice_number_sequences AS sequence (year, last_number) VALUES ($1, $2)
         ON CONFLICT (year) DO UPDATE SET last_number = sequence.last_number + EXCLUDED.last_number
         RETURNING last_number`,
        [year, entries.length],
      );
      entries.forEach(({ payment, origin }, index) => {
        const invoice = manager.create(Invoice, {
          id: randomUUID(),
          number: `${year}-${String(last - entries.length + 1 + index).padStart(6, '0')}`,
          paymentId: payment.paymentId,
          customerId: payment.customerId,
          lines: payment.items.map((item) => ({ ...item, lineTotalMinor: item.quantity * item.unitPriceMinor })),
          totalMinor: payment.amountMinor,
          currency: payment.currency,
          issuedAt: new Date(payment.completedAt),
        });
        issued.push({ invoice, customerEmail: payment.customerEmail, origin });
      });
    }
    await insertInvoices(manager, issued.map(({ invoice }) => invoice));
    await this.outbox.appendAll(
      manager,
      'InvoiceIssued',
      issued.map(({ invoice, customerEmail, origin }) => ({
        aggregate: { type: 'Invoice', id: invoice.id },
        facts: {
          invoiceId: invoice.id,
          invoiceNumber: invoice.number,
          paymentId: invoice.paymentId,
          customerId: invoice.customerId,
          customerEmail,
          lines: invoice.lines,
          totalMinor: invoice.totalMinor,
          currency: invoice.currency,
          issuedAt: invoice.issuedAt.getTime(),
        },
        origin,
      })),
    );
  }
}
