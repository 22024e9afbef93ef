import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { loadPlatformConfig } from '@ensemble/config';
import { EventCodec } from '@ensemble/event-codec';
import { createEventCodec } from '@ensemble/event-codec/registry-codec';
import { loadEventCatalogue, PaymentCompleted } from '@ensemble/events';
import { headersAsStrings } from '@ensemble/kafka';
import { createKafka } from '@ensemble/kafka/create-kafka';
import { paymentBody, postPayment, ServiceProcess, TopicReader, writtenForPayment } from '@ensemble/testing';

const config = loadPlatformConfig();
const codec = createEventCodec(config.schemaRegistry.url, loadEventCatalogue());
const topic = new TopicReader(createKafka(config, 'payments-spec'), 'payments.payment-completed');

describe('POST /payments (payments service and its outbox relay, as a real process)', () => {
  let payments: ServiceProcess;
  let db: Client;

  beforeAll(async () => {
    payments = await ServiceProcess.start('payments', { port: 3100 });
    db = new Client({ connectionString: config.databases.payments });
    await db.connect();
  });

  afterAll(async () => {
    await payments?.stop();
    await db?.end();
  });

  const writtenFor = (customerId: string, key: string) => writtenForPayment(db, customerId, key);

  it('publishes one PaymentCompleted that decodes through the registry and matches the request', async () => {
    await topic.mark();
    const body = paymentBody(7);
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

    const response = await postPayment(payments.url, body, randomUUID(), { 'X-Correlation-Id': 'order-7', traceparent });
    const records = await topic.readUntil((read) => read.some((record) => record.message.key?.toString() === response.body.id));
    const record = records.find((read) => read.message.key?.toString() === response.body.id)!;
    const event = (await codec.decode('payments.payment-completed', record.message.value)) as PaymentCompleted;

    expect(response.status).toBe(201);
    expect(event).toEqual({
      envelope: {
        eventId: expect.any(String),
        eventType: 'PaymentCompleted',
        occurredAt: expect.any(Number),
        aggregateId: response.body.id,
        correlationId: 'order-7',
        causationId: null,
        producer: 'payments',
      },
      paymentId: response.body.id,
      ...body,
      completedAt: Date.parse(response.body.completedAt),
    });
    expect(headersAsStrings(record.message.headers)).toEqual({
      'event-id': event.envelope.eventId,
      'event-type': 'PaymentCompleted',
      'correlation-id': 'order-7',
      traceparent: expect.stringMatching(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/),
    });
    expect(await (await fetch(`${payments.url}/payments/${response.body.id}`)).json()).toEqual(response.body);
  });

  it('answers a repeated Idempotency-Key with the first payment and writes nothing more', async () => {
    const key = randomUUID();
    const body = paymentBody(11);
    const first = await postPayment(payments.url, body, key);
    await topic.mark();

    const again = await postPayment(payments.url, { ...body, items: [...body.items] }, key);

    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const { rows } = await db.query('SELECT count(*)::int AS events FROM outbox WHERE aggregate_id = $1', [first.body.id]);
    expect(rows[0].events).toBe(1);
  });

  it('refuses a reused Idempotency-Key with a different body (409) and writes nothing', async () => {
    const key = randomUUID();
    await postPayment(payments.url, paymentBody(12), key);
    const other = { ...paymentBody(13), customerId: `reuse-${randomUUID()}` };

    const response = await postPayment(payments.url, other, key);

    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ status: 409, code: 'idempotency_key_reused' });
    expect(await writtenFor(other.customerId, 'none')).toEqual({ payments: 0, outbox: 0, keys: 0 });
  });

  describe('refuses bad input with a JSON body naming each field, and writes nothing to the database or the topic', () => {
    const valid = paymentBody(3);
    const { currency: _currency, ...withoutCurrency } = valid;
    const cases: Array<[string, unknown, number, string[]]> = [
      ['a missing field', withoutCurrency, 400, ['currency']],
      ['a non-integer amount', { ...valid, amountMinor: 10.5 }, 400, ['amountMinor']],
      ['a non-positive price', { ...valid, items: [{ ...valid.items[0], unitPriceMinor: 0 }] }, 400, ['items[0].unitPriceMinor', 'amountMinor']],
      ['an unknown currency code', { ...valid, currency: 'ABC' }, 400, ['currency']],
      ['an amount that is not the sum of the lines', { ...valid, amountMinor: valid.amountMinor + 1 }, 400, ['amountMinor']],
      ['empty items', { ...valid, items: [] }, 400, ['items', 'amountMinor']],
      ['an oversized body', { ...valid, shippingAddress: { ...valid.shippingAddress, line1: 'x'.repeat(70_000) } }, 413, []],
      ['malformed JSON', '{"customerId": ', 400, []],
      ['NUL in a text field', { ...valid, shippingAddress: { ...valid.shippingAddress, name: 'Ada\u0000Lovelace' } }, 400, ['shippingAddress.name']],
      ['a control character in a line', { ...valid, items: [{ ...valid.items[0], sku: 'SKU\u001b[31m' }] }, 400, ['items[0].sku']],
      ['a lone surrogate', { ...valid, shippingAddress: { ...valid.shippingAddress, city: 'Lon\ud800don' } }, 400, ['shippingAddress.city']],
      ['a region that is not a country', { ...valid, shippingAddress: { ...valid.shippingAddress, country: 'EU' } }, 400, ['shippingAddress.country']],
      [
        'an amount above the business maximum',
        { ...valid, amountMinor: 1_000_000_000_001, items: [{ sku: 'GOLD', quantity: 1, unitPriceMinor: 1_000_000_000_001 }] },
        400,
        ['amountMinor', 'items[0].unitPriceMinor'],
      ],
    ];

    it.each(cases)('%s', async (_case, body, status, fields) => {
      await topic.mark();
      const key = randomUUID();
      const marked = typeof body === 'object' ? { ...(body as object), customerId: `bad-${key}` } : body;

      const response = await postPayment(payments.url, marked, key);

      expect(response.status).toBe(status);
      expect(response.body.error).toMatchObject({ status, code: expect.any(String), message: expect.any(String) });
      expect((response.body.error.fields ?? []).map((problem: { field: string }) => problem.field)).toEqual(fields);
      expect(await writtenFor(`bad-${key}`, key)).toEqual({ payments: 0, outbox: 0, keys: 0 });
      expect(await topic.countSinceMark()).toBe(0);
    });

    it('malformed JSON is named as such', async () => {
      const response = await postPayment(payments.url, '{"customerId": ', randomUUID());
      expect(response.body.error).toMatchObject({ status: 400, code: 'malformed_json' });
    });

    it('a missing Idempotency-Key', async () => {
      const response = await fetch(`${payments.url}/payments`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ ...valid, customerId: 'no-key' }),
      });

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { fields: [{ field: 'header Idempotency-Key', message: 'is required' }] } });
    });
  });
});
