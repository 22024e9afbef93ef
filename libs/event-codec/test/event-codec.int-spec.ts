import { randomUUID } from 'node:crypto';
import { loadPlatformConfig } from '@ensemble/config';
import { loadEventCatalogue, PaymentCompleted } from '@ensemble/events';
import { claimingItems } from '@ensemble/testing';
import { EventCodec } from '../src/event-codec';
import { UndecodableRecordError } from '../src/undecodable-record-error';
import { createEventCodec } from '@ensemble/event-codec/registry-codec';

const REGISTRY_URL = loadPlatformConfig().schemaRegistry.url;
const codec = createEventCodec(REGISTRY_URL, loadEventCatalogue());
const TOPIC = 'payments.payment-completed';

const paymentId = randomUUID();
const event: PaymentCompleted = {
  envelope: {
    eventId: randomUUID(),
    eventType: 'PaymentCompleted',
    occurredAt: Date.parse('2026-11-22T10:00:00Z'),
    aggregateId: paymentId,
    correlationId: randomUUID(),
    causationId: null,
    producer: 'payments',
  },
  paymentId,
  customerId: 'customer-1',
  customerEmail: 'ada@example.com',
  amountMinor: 2_500,
  currency: 'EUR',
  items: [{ sku: 'BOOK-1', quantity: 2, unitPriceMinor: 1_250 }],
  shippingAddress: { name: 'Ada', line1: '1 Main St', city: 'London', postalCode: 'N1', country: 'GB' },
  completedAt: Date.parse('2026-11-22T10:00:00Z'),
};

describe('EventCodec', () => {
  it('round-trips an event through Confluent wire format', async () => {
    const encoded = await codec.encode('PaymentCompleted', event);

    expect(encoded[0]).toBe(0);
    expect(await codec.decode(TOPIC, encoded)).toEqual(event);
  });

  it('refuses to encode an event that does not match its schema', async () => {
    const missingCurrency = { ...event, currency: undefined } as unknown as PaymentCompleted;
    await expect(codec.encode('PaymentCompleted', missingCurrency)).rejects.toThrow(/currency/);
  });

  it.each([
    ['bad-magic-byte', () => Buffer.from('{"json":"is not wire format"}')],
    ['bad-magic-byte', () => Buffer.alloc(0)],
    ['unknown-schema-id', () => Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 1, 2, 3])],
  ])('classifies a record as %s', async (reason, value) => {
    await expect(codec.decode(TOPIC, value())).rejects.toEqual(expect.objectContaining({ name: 'UndecodableRecordError', reason }));
  });

  it('classifies a body that does not match its schema as corrupt', async () => {
    const encoded = await codec.encode('PaymentCompleted', event);
    const truncated = encoded.subarray(0, 20);

    const error = await codec.decode(TOPIC, truncated).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UndecodableRecordError);
    expect(error).toMatchObject({ reason: 'corrupt-body' });
  });

  describe('refuses records that do not belong where they were read, whatever their bytes say', () => {
    async function refusal(value: Buffer, topic = TOPIC, on = codec): Promise<UndecodableRecordError> {
      const error = await on.decode(topic, value).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UndecodableRecordError);
      return error as UndecodableRecordError;
    }

    it('a writer schema that the topic\'s subject does not hold (an InvoiceIssued on the payments topic)', async () => {
      const invoiceId = randomUUID();
      const invoice = await codec.encode('InvoiceIssued', {
        envelope: { ...event.envelope, eventId: randomUUID(), eventType: 'InvoiceIssued', aggregateId: invoiceId, producer: 'invoice' },
        invoiceId,
        invoiceNumber: '2026-000001',
        paymentId,
        customerId: 'customer-1',
        customerEmail: null,
        lines: [],
        totalMinor: 0,
        currency: 'EUR',
        issuedAt: Date.now(),
      });
      expect(await refusal(invoice)).toMatchObject({ reason: 'schema-not-on-topic', message: expect.stringContaining('invoice.invoice-issued-value') });
      expect(await codec.decode('invoice.invoice-issued', invoice)).toMatchObject({ paymentId });
    });

    it('an envelope that names another event type than its schema', async () => {
      const lying = await codec.encode('PaymentCompleted', { ...event, envelope: { ...event.envelope, eventType: 'InvoiceIssued' } });
      expect(await refusal(lying)).toMatchObject({ reason: 'event-type-not-on-topic' });
    });

    it.each([
      ['another payment', (paymentId: string) => ({ paymentId: randomUUID(), aggregateId: paymentId })],
      ['the same payment in upper case', (paymentId: string) => ({ paymentId: paymentId.toUpperCase(), aggregateId: paymentId.toUpperCase() })],
    ])('an aggregate id that is not the event\'s own id, canonically spelled (%s)', async (_case, ids) => {
      const { paymentId: otherId, aggregateId } = ids(paymentId);
      const value = await codec.encode('PaymentCompleted', { ...event, paymentId: otherId, envelope: { ...event.envelope, aggregateId } });
      expect(await refusal(value)).toMatchObject({ reason: 'invalid-envelope' });
    });

    it.each([
      ['upper case', () => randomUUID().toUpperCase()],
      ['braces', () => `{${randomUUID()}}`],
      ['no hyphens', () => randomUUID().replaceAll('-', '')],
      ['not a UUID at all', () => 'payment-1'],
    ])('an event id that is not a canonical UUID (%s)', async (_spelling, eventId) => {
      const value = await codec.encode('PaymentCompleted', { ...event, envelope: { ...event.envelope, eventId: eventId() } });
      expect(await refusal(value)).toMatchObject({ reason: 'invalid-envelope' });
    });

    it('a value above the size cap, unread', async () => {
      const small = createEventCodec(REGISTRY_URL, loadEventCatalogue(), { maxValueBytes: 100 });
      expect(await refusal(await codec.encode('PaymentCompleted', event), TOPIC, small)).toMatchObject({ reason: 'oversized-record' });
    });

    it.each([1e6, 1e9, 2 ** 52])('an array that claims %d items in a record of a few hundred bytes, at once and without the memory', async (count) => {
      const hostile = claimingItems(await codec.encode('PaymentCompleted', { ...event, currency: 'XQZ', items: [] }), count);
      const heapBefore = process.memoryUsage().heapUsed;
      const started = performance.now();
      expect(await refusal(hostile)).toMatchObject({ reason: 'corrupt-body', message: expect.stringMatching(/items/) });
      expect(performance.now() - started).toBeLessThan(50);
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(16 * 1024 * 1024);
    });
  });
});

