import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { NonRetriableError } from '@ensemble/event-consumer';
import { InvoiceIssued, ShipmentScheduled } from '@ensemble/events';
import { JobEntry, OutboxWriter } from '@ensemble/outbox';
import { EmailsToQueue } from './emails-to-queue';

/** What the buffer writes when it flushes: the email rows of its insert (as the statement's JSON parameter) and the jobs it appends. */
async function flushed(add: (queue: EmailsToQueue) => void): Promise<{ emails: Array<Record<string, unknown>>; jobs: JobEntry[] }> {
  const jobs: JobEntry[] = [];
  const outbox = { appendJobs: async (_manager: EntityManager, _queue: string, entries: JobEntry[]) => void jobs.push(...entries) } as unknown as OutboxWriter;
  const emails: Array<Record<string, unknown>> = [];
  const connection = { query: async ({ values }: { values: string[] }) => (emails.push(...JSON.parse(values[0])), { rows: [] }) };
  const manager = { queryRunner: { connect: async () => connection } } as unknown as EntityManager;
  const queue = new EmailsToQueue(outbox);
  add(queue);
  await queue.flush(manager);
  return { emails, jobs };
}

function invoiceIssued(facts: Partial<InvoiceIssued> = {}): InvoiceIssued {
  const invoiceId = randomUUID();
  return {
    envelope: { eventId: randomUUID(), eventType: 'InvoiceIssued', occurredAt: 0, aggregateId: invoiceId, correlationId: 'c', causationId: randomUUID(), producer: 'invoice' },
    invoiceId,
    invoiceNumber: '2026-000001',
    paymentId: randomUUID(),
    customerId: 'c-1',
    customerEmail: 'ada@example.com',
    lines: [{ sku: 'SKU', quantity: 1, unitPriceMinor: 100, lineTotalMinor: 100 }],
    totalMinor: 100,
    currency: 'EUR',
    issuedAt: Date.UTC(2026, 11, 3),
    ...facts,
  };
}

function shipmentScheduled(facts: Partial<ShipmentScheduled> = {}): ShipmentScheduled {
  const shipmentId = randomUUID();
  return {
    envelope: { eventId: randomUUID(), eventType: 'ShipmentScheduled', occurredAt: 0, aggregateId: shipmentId, correlationId: 'c', causationId: randomUUID(), producer: 'shipping' },
    shipmentId,
    paymentId: randomUUID(),
    items: [{ sku: 'SKU', quantity: 1 }],
    address: { name: 'Ada', line1: '1 St', city: 'London', postalCode: 'N1', country: 'GB' },
    scheduledFor: Date.UTC(2026, 11, 4, 9),
    customerEmail: 'ada@example.com',
    ...facts,
  };
}

describe('EmailsToQueue', () => {
  it('queues an email and its job for an event that names its customer, the Message-ID derived from the event', async () => {
    const invoice = invoiceIssued();
    const { emails, jobs } = await flushed((queue) => queue.addInvoice(invoice, { correlationId: 'c', causationId: invoice.envelope.eventId }));
    expect(emails).toMatchObject([{ status: 'queued', recipient: 'ada@example.com', subject: 'Your invoice 2026-000001', message_id: `<invoice.${invoice.envelope.eventId}@notifications.ensemble.local>`, attempts: 0 }]);
    expect(jobs).toMatchObject([{ id: emails[0].id, kind: 'invoice-email', aggregate: { type: 'Payment', id: invoice.paymentId } }]);
  });

  it.each([
    ['no customerEmail (a record written before events carried it)', null, null],
    ['a customerEmail that is not an address', 'not an address', 'customerEmail is not an email address'],
  ])('keeps an email with %s as no-recipient, and queues no job', async (_case, customerEmail, failure) => {
    const { emails, jobs } = await flushed((queue) => queue.addShipment(shipmentScheduled({ customerEmail }), { correlationId: 'c' }));
    expect(emails).toMatchObject([{ status: 'no-recipient', recipient: customerEmail, failure }]);
    expect(jobs).toEqual([]);
  });

  it.each([
    ['an invoice issued at a time no Date holds', () => invoiceIssued({ issuedAt: 8.64e15 + 1 })],
    ['a shipment due at a time no Date holds', () => shipmentScheduled({ scheduledFor: -8.64e15 - 1 })],
  ])('refuses %s for good, so that its event is dead-lettered at once instead of retried', async (_case, event) => {
    const made = event();
    const add = (queue: EmailsToQueue) => ('invoiceId' in made ? queue.addInvoice(made, { correlationId: 'c' }) : queue.addShipment(made as ShipmentScheduled, { correlationId: 'c' }));
    await expect(flushed(add)).rejects.toBeInstanceOf(NonRetriableError);
  });

  it('keeps a subject on one line of at most 200 characters, whatever the invoice number holds', async () => {
    const { emails } = await flushed((queue) => queue.addInvoice(invoiceIssued({ invoiceNumber: `2026-\u2028Bcc: x@example.com\u202e${'9'.repeat(100_000)}` }), { correlationId: 'c' }));
    expect(emails[0].subject as string).toHaveLength(200);
    expect(emails[0].subject as string).not.toMatch(/[\u2028\u202e]/);
  });
});
