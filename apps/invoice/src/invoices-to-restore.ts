import { EntityManager } from 'typeorm';
import { preparedQuery } from '@ensemble/database';
import { TransactionBuffer } from '@ensemble/event-consumer';
import { InvoiceIssued } from '@ensemble/events';
import { insertInvoices } from './invoice-rows';
import { Invoice } from './invoice.entity';

/**
 * A replay transaction's invoices, restored from their InvoiceIssued announcements: one insert of the
 * invoices and one move of each year's last number up to the highest restored, so that invoices
 * issued after the replay carry on the sequence without a gap.
 */
export class InvoicesToRestore implements TransactionBuffer {
  private readonly invoices: Invoice[] = [];
  private readonly lastNumbers = new Map<number, number>();

  add(issued: InvoiceIssued): void {
    this.invoices.push(
      Object.assign(new Invoice(), {
        id: issued.invoiceId,
        number: issued.invoiceNumber,
        paymentId: issued.paymentId,
        customerId: issued.customerId,
        lines: issued.lines,
        totalMinor: issued.totalMinor,
        currency: issued.currency,
        issuedAt: new Date(issued.issuedAt),
      }),
    );
    const [year, sequence] = issued.invoiceNumber.split('-').map(Number);
    this.lastNumbers.set(year, Math.max(sequence, this.lastNumbers.get(year) ?? 0));
  }

  async flush(manager: EntityManager): Promise<void> {
    await insertInvoices(manager, this.invoices);
    const years = [...this.lastNumbers.keys()].sort((a, b) => a - b);
    await preparedQuery(
      manager,
      'invoice-restore-numbers',
      `INSERT INTO invoice_number_sequences AS sequence (year, last_number)
       SELECT * FROM unnest($1::int[], $2::int[])
       ON CONFLICT (year) DO UPDATE SET last_number = GREATEST(sequence.last_number, EXCLUDED.last_number)`,
      [years, years.map((year) => this.lastNumbers.get(year))],
    );
  }
}
