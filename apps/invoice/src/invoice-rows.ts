import { EntityManager } from 'typeorm';
import { preparedQuery } from '@ensemble/database';
import { Invoice } from './invoice.entity';

/** Inserts invoices in one statement, whether issued now or restored from their announcements by a replay. */
export async function insertInvoices(manager: EntityManager, invoices: Invoice[]): Promise<void> {
  if (invoices.length === 0) return;
  await preparedQuery(
    manager,
    'invoice-insert',
    `INSERT INTO invoices (id, number, payment_id, customer_id, lines, total_minor, currency, issued_at)
     SELECT id, number, payment_id, customer_id, lines, total_minor, currency, issued_at
       FROM jsonb_to_recordset($1::jsonb) AS row (id uuid, number text, payment_id uuid, customer_id text, lines jsonb, total_minor bigint, currency text, issued_at timestamptz)`,
    [
      JSON.stringify(
        invoices.map((invoice) => ({
          id: invoice.id,
          number: invoice.number,
          payment_id: invoice.paymentId,
          customer_id: invoice.customerId,
          lines: invoice.lines,
          total_minor: invoice.totalMinor,
          currency: invoice.currency,
          issued_at: invoice.issuedAt,
        })),
      ),
    ],
  );
}
