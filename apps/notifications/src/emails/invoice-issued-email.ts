import type { InvoiceIssued } from '@ensemble/events';
import type { Recipient } from '@ensemble/mail';
import { escapeHtml } from './escape-html';
import { headerValue } from './header-value';
import { formatMoney } from './money';
import { greeting, htmlDocument } from './email-layout';
import { DEFAULT_EMAIL_FORMAT, EmailFormat, formatDay, RenderedEmail } from './rendered-email';

/** What the invoice email tells: the facts of an `InvoiceIssued`. */
export type IssuedInvoice = Pick<InvoiceIssued, 'invoiceNumber' | 'issuedAt' | 'lines' | 'totalMinor' | 'currency'>;

/** The invoice email's subject, alone: what the email's row keeps when it is queued. */
export function invoiceIssuedSubject(invoice: Pick<IssuedInvoice, 'invoiceNumber'>): string {
  return headerValue(`Your invoice ${invoice.invoiceNumber}`);
}

/** The email that sends a customer the invoice just issued: its number, date, lines and total. */
export function invoiceIssuedEmail(invoice: IssuedInvoice, recipient: Recipient, format: EmailFormat = DEFAULT_EMAIL_FORMAT): RenderedEmail {
  const money = (minor: number) => formatMoney(minor, invoice.currency, format.locale);
  const issuedOn = formatDay(invoice.issuedAt, format);
  const lines = invoice.lines.map((line) => ({
    sku: line.sku,
    quantity: String(line.quantity),
    unitPrice: money(line.unitPriceMinor),
    amount: money(line.lineTotalMinor),
  }));
  const total = money(invoice.totalMinor);
  const subject = invoiceIssuedSubject(invoice);

  const text = [
    greeting(recipient),
    '',
    `Here is invoice ${invoice.invoiceNumber}, issued on ${issuedOn}.`,
    '',
    ...lines.map((line) => `  ${line.quantity} × ${line.sku} at ${line.unitPrice}: ${line.amount}`),
    '',
    `Total: ${total}`,
    '',
    'Ensemble',
    '',
  ].join('\n');

  const right = 'style="text-align: right; padding: 4px 8px;"';
  const left = 'style="text-align: left; padding: 4px 8px;"';
  const html = htmlDocument({
    title: subject,
    format,
    body: [
      `<p>${escapeHtml(greeting(recipient))}</p>`,
      `<p>Here is invoice <strong>${escapeHtml(invoice.invoiceNumber)}</strong>, issued on ${escapeHtml(issuedOn)}.</p>`,
      '<table style="border-collapse: collapse;">',
      `<thead><tr><th ${left}>Item</th><th ${right}>Quantity</th><th ${right}>Unit price</th><th ${right}>Amount</th></tr></thead>`,
      '<tbody>',
      ...lines.map(
        (line) =>
          `<tr><td ${left}>${escapeHtml(line.sku)}</td><td ${right}>${escapeHtml(line.quantity)}</td><td ${right}>${escapeHtml(line.unitPrice)}</td><td ${right}>${escapeHtml(line.amount)}</td></tr>`,
      ),
      '</tbody>',
      `<tfoot><tr><th colspan="3" ${right}>Total</th><th ${right}>${escapeHtml(total)}</th></tr></tfoot>`,
      '</table>',
    ].join('\n'),
  });

  return { subject, text, html };
}
