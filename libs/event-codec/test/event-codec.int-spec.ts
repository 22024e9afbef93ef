import { randomUUID } from 'node:crypto';
import { loadPlatformConfig } from '@ensemble/config';
import { loadEventCatalogue, PaymentCompleted } from '@ensemble/events';
import { EventCodec } from '../src/event-codec';
import { UndecodableRecordError } from '../src/undecodable-record-error';

const codec = EventCodec.forRegistry(loadPlatformConfig().schemaRegistry.url, loadEventCatalogue());

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
    expect(await codec.decode(encoded)).toEqual(event);
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
    await expect(codec.decode(value())).rejects.toEqual(expect.objectContaining({ name: 'UndecodableRecordError', reason }));
  });

  it('classifies a body that does not match its schema as corrupt', async () => {
    const encoded = await codec.encode('PaymentCompleted', event);
    const truncated = encoded.subarray(0, 20);

    const error = await codec.decode(truncated).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UndecodableRecordError);
    expect(error).toMatchObject({ reason: 'corrupt-body' });
  });
});
