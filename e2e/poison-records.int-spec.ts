import { randomUUID } from 'node:crypto';
import { IHeaders, Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';
import { CONSUMING_SERVICES, loadPlatformConfig, reactingTo, ServiceName } from '@ensemble/config';
import { EventCodec } from '@ensemble/event-codec';
import { createEventCodec } from '@ensemble/event-codec/registry-codec';
import { loadEventCatalogue, PaymentCompleted } from '@ensemble/events';
import { consumerGroupLag, headersAsStrings, ReadRecord } from '@ensemble/kafka';
import { createKafka } from '@ensemble/kafka/create-kafka';
import { FAILURE_HEADERS, failureTopics, RetrySigner } from '@ensemble/event-consumer';
import { ReplayClient } from '@ensemble/replay';
import { Choreography, claimingItems, eventually, paymentBody, paymentCompletedEvent, postPayment, skipNotificationsBacklog, TopicReader, waitUntilCaughtUp } from '@ensemble/testing';
import { verifyPayments } from '../apps/payments/cli/verify';

/** The consumers of the payments topic, where most of the poison below is produced. */
const PAYMENT_CONSUMERS = reactingTo('PaymentCompleted');
const config = loadPlatformConfig();
const kafka = createKafka(config, 'poison-records-spec');
const codec = createEventCodec(config.schemaRegistry.url, loadEventCatalogue());
const PAYMENTS_TOPIC = 'payments.payment-completed';
const ADMIN_TOKEN = `poison-spec-${randomUUID()}`;
/** The longest retry delay: a record may wait that long on the last retry topic, and must hold back nothing else meanwhile. */
const LONGEST_DELAY_MS = 20_000;
/** How long a good payment posted right after a poison record may take to reach all four consumers. */
const GOOD_PAYMENT_BUDGET_MS = 5_000;

/** What a case expects of each consumer: its dead letter's reason, or `applied`. */
type Expected = Partial<Record<ServiceName, string>>;

/**
 * Hostile and careless records, one class at a time, produced to the real topics: each is applied
 * or dead-lettered with its reason, and a good payment posted right after it reaches every consumer
 * within the budget. The waits are printed at the end, for the record.
 */
describe('a bad record costs only itself', () => {
  const choreography = new Choreography(
    { ADMIN_TOKEN, CONSUMER_ATTEMPTS: '2', CONSUMER_RETRY_DELAYS_MS: `300,${LONGEST_DELAY_MS}`, DATABASE_LOCK_TIMEOUT_MS: '300' },
    3140,
  );
  const databases = new Map<ServiceName, Client>();
  const waits: Array<[string, number]> = [];
  let producer: Producer;

  beforeAll(async () => {
    for (const service of PAYMENT_CONSUMERS) databases.set(service, new Client({ connectionString: config.databases[service] }));
    await Promise.all([...databases.values()].map((db) => db.connect()));
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await skipNotificationsBacklog(kafka, config);
    await choreography.start();
    await waitUntilCaughtUp(kafka, CONSUMING_SERVICES);
  }, 240_000);

  afterAll(async () => {
    console.log(`good payments' wait behind each poison record:\n${waits.map(([name, ms]) => `  ${ms} ms  ${name}`).join('\n')}`);
    await choreography.stop();
    await producer?.disconnect();
    await Promise.all([...databases.values()].map((db) => db.end()));
  });

  /** Services whose inbox holds the fact: the effect committed with it. */
  async function appliedBy(eventType: string, aggregateId: string): Promise<ServiceName[]> {
    const applied: ServiceName[] = [];
    for (const [service, db] of databases) {
      const { rows } = await db.query('SELECT 1 FROM processed_events WHERE fact = $1', [`${eventType}:${aggregateId}`]);
      if (rows.length > 0) applied.push(service);
    }
    return applied;
  }

  /** Posts a good payment and returns how long it took to reach every consumer. */
  async function goodPaymentWait(): Promise<number> {
    const posted = Date.now();
    const { status, body } = await postPayment(choreography.url('payments'), paymentBody(7));
    expect(status).toBe(201);
    await eventually(
      async () => ((await appliedBy('PaymentCompleted', body.id)).length === PAYMENT_CONSUMERS.length ? true : undefined),
      'a good payment to reach every consumer',
      GOOD_PAYMENT_BUDGET_MS * 4,
    );
    return Date.now() - posted;
  }

  /**
   * Produces the poison, posts a good payment right after it, and checks that each consumer either
   * dead-lettered the poison with the expected reason or applied it. Returns the dead letters.
   */
  async function expectCostsOnlyItself(name: string, expected: Expected, produce: () => Promise<void>): Promise<Map<ServiceName, ReadRecord>> {
    const dead = Object.entries(expected).filter(([, reason]) => reason !== 'applied') as Array<[ServiceName, string]>;
    const readers = new Map(dead.map(([service]) => [service, new TopicReader(kafka, failureTopics(service).deadLetter)]));
    await Promise.all([...readers.values()].map((reader) => reader.mark()));
    await produce();
    const wait = await goodPaymentWait();
    waits.push([name, wait]);
    const letters = new Map<ServiceName, ReadRecord>();
    for (const [service, reason] of dead) {
      const [letter] = await readers.get(service)!.readUntil((read) => read.length >= 1);
      expect({ service, reason: headersAsStrings(letter.message.headers)[FAILURE_HEADERS.reason] }).toEqual({ service, reason });
      letters.set(service, letter);
    }
    expect(wait).toBeLessThan(GOOD_PAYMENT_BUDGET_MS);
    return letters;
  }

  const everyConsumer = (reason: string): Expected => Object.fromEntries(PAYMENT_CONSUMERS.map((service) => [service, reason]));

  async function produce(topic: string, value: Buffer | null, headers: IHeaders = {}, key: string = randomUUID()): Promise<void> {
    await producer.send({ topic, acks: -1, messages: [{ key, value, headers }] });
  }

  /** A valid PaymentCompleted whose items array claims `count` items. */
  async function hostileArray(count: number): Promise<Buffer> {
    return claimingItems(await codec.encode('PaymentCompleted', paymentCompletedEvent(1, { currency: 'XQZ', items: [] })), count);
  }

  describe('records no schema can read are dead-lettered at once by every consumer', () => {
    it.each([
      ['not Confluent wire format', 'bad-magic-byte', async () => Buffer.from('{"paymentId":"not wire format"}')],
      ['an unknown schema id', 'unknown-schema-id', async () => Buffer.from([0, 0x7f, 0xff, 0xff, 0x00, 2, 4])],
      ['a truncated body', 'corrupt-body', async () => (await codec.encode('PaymentCompleted', paymentCompletedEvent(2))).subarray(0, 24)],
      ['an array that claims a billion items in a record of about 140 bytes', 'corrupt-body', () => hostileArray(1e9)],
      ['an array that claims 2^52 items', 'corrupt-body', () => hostileArray(2 ** 52)],
      [
        'a record just under the topic limit, whose dead letter needs room for the failure headers',
        'corrupt-body',
        async () => Buffer.concat([(await codec.encode('PaymentCompleted', paymentCompletedEvent(3))).subarray(0, 5), Buffer.alloc(1_040_000, 0xff)]),
      ],
    ])('%s', async (name, reason, value) => {
      const poison = await value();
      await expectCostsOnlyItself(name, everyConsumer(reason), () => produce(PAYMENTS_TOPIC, poison));
    });
  });

  describe('records that are not what the topic carries are dead-lettered, not skipped', () => {
    it('an InvoiceIssued on the payments topic', async () => {
      const payment = paymentCompletedEvent(4);
      const invoice = await codec.encode('InvoiceIssued', {
        envelope: { ...payment.envelope, eventId: randomUUID(), eventType: 'InvoiceIssued', producer: 'invoice' },
        invoiceId: randomUUID(),
        customerEmail: null,
        invoiceNumber: '2026-999999',
        paymentId: payment.paymentId,
        customerId: payment.customerId,
        lines: [],
        totalMinor: 0,
        currency: 'EUR',
        issuedAt: Date.now(),
      });
      await expectCostsOnlyItself('an InvoiceIssued on the payments topic', everyConsumer('schema-not-on-topic'), () => produce(PAYMENTS_TOPIC, invoice));
    });

    it('an envelope that claims another event type', async () => {
      const event = paymentCompletedEvent(5);
      const lying = await codec.encode('PaymentCompleted', { ...event, envelope: { ...event.envelope, eventType: 'ShipmentScheduled' } });
      await expectCostsOnlyItself('an envelope claiming another type', everyConsumer('event-type-not-on-topic'), () => produce(PAYMENTS_TOPIC, lying));
    });

    it('an event id in a valid but not canonical UUID spelling', async () => {
      const event = paymentCompletedEvent(6);
      const shouting = await codec.encode('PaymentCompleted', { ...event, envelope: { ...event.envelope, eventId: randomUUID().toUpperCase() } });
      await expectCostsOnlyItself('an upper-case event id', everyConsumer('invalid-envelope'), () => produce(PAYMENTS_TOPIC, shouting));
      expect(await appliedBy('PaymentCompleted', event.envelope.aggregateId)).toEqual([]);
    });

    it('a payment announced under another aggregate id than its own, which would make it a second fact', async () => {
      const event = paymentCompletedEvent(13);
      const disguised = await codec.encode('PaymentCompleted', { ...event, envelope: { ...event.envelope, aggregateId: randomUUID() } });
      await expectCostsOnlyItself('an aggregate id that is not the payment id', everyConsumer('invalid-envelope'), () => produce(PAYMENTS_TOPIC, disguised));
    });
  });

  describe('a handler failure that no retry can fix is dead-lettered at once, and nowhere else', () => {
    it('a currency too long for the services that keep it as three letters', async () => {
      const event = paymentCompletedEvent(8, { currency: 'EURO' });
      const retries = new Map(['invoice', 'crm'].map((service) => [service, new TopicReader(kafka, failureTopics(service as ServiceName).retries[0])]));
      await Promise.all([...retries.values()].map((reader) => reader.mark()));
      const letters = await expectCostsOnlyItself('a four-letter currency', { invoice: 'invalid-data', crm: 'invalid-data' }, async () =>
        produce(PAYMENTS_TOPIC, await codec.encode('PaymentCompleted', event), {}, event.paymentId),
      );
      for (const letter of letters.values()) expect(headersAsStrings(letter.message.headers)[FAILURE_HEADERS.attempts]).toBe('0');
      for (const reader of retries.values()) expect(await reader.countSinceMark()).toBe(0);
      await eventually(async () => ((await appliedBy('PaymentCompleted', event.paymentId)).length === 2 ? true : undefined), 'shipping and dashboards to apply it');
      expect((await appliedBy('PaymentCompleted', event.paymentId)).sort()).toEqual(['dashboards', 'shipping']);
    });
  });

  describe('a payment whose follow-on event would be too large to publish', () => {
    it('is dead-lettered by invoice before anything is written; its relay and the other consumers go on', async () => {
      // A record of about 935 kB, just under the topic's limit, whose invoice repeats every line with its total: about 1.6 MB.
      const lines = Array.from({ length: 85_000 }, () => ({ sku: 'S', quantity: 10_000, unitPriceMinor: 100_000_000_000 }));
      const event = paymentCompletedEvent(14, { items: lines, amountMinor: 1 });
      await expectCostsOnlyItself('a payment of 85,000 lines', { invoice: 'non-retriable' }, async () =>
        produce(PAYMENTS_TOPIC, await codec.encode('PaymentCompleted', event), {}, event.paymentId),
      );
      await eventually(async () => ((await appliedBy('PaymentCompleted', event.paymentId)).length === 3 ? true : undefined), 'the others to apply it');
      expect((await appliedBy('PaymentCompleted', event.paymentId)).sort()).toEqual(['crm', 'dashboards', 'shipping']);
    });
  });

  describe('the same business fact announced twice', () => {
    it('under a second event id with the same content has no second effect anywhere, and is not dead-lettered', async () => {
      const customerId = `twice-${randomUUID()}`;
      const first = paymentCompletedEvent(9, { customerId });
      const again: PaymentCompleted = { ...first, envelope: { ...first.envelope, eventId: randomUUID() } };
      const deadLetters = PAYMENT_CONSUMERS.map((service) => new TopicReader(kafka, failureTopics(service).deadLetter));
      await Promise.all(deadLetters.map((reader) => reader.mark()));
      await expectCostsOnlyItself('the same payment under a second event id', {}, async () => {
        await produce(PAYMENTS_TOPIC, await codec.encode('PaymentCompleted', first), {}, first.paymentId);
        await produce(PAYMENTS_TOPIC, await codec.encode('PaymentCompleted', again), {}, first.paymentId);
      });
      await waitUntilCaughtUp(kafka, CONSUMING_SERVICES);
      expect((await appliedBy('PaymentCompleted', first.paymentId)).length).toBe(PAYMENT_CONSUMERS.length);
      const count = async (service: ServiceName, sql: string, value: string) => Number((await databases.get(service)!.query(sql, [value])).rows[0].n);
      expect(await count('invoice', 'SELECT count(*) AS n FROM invoices WHERE customer_id = $1', customerId)).toBe(1);
      expect(await count('shipping', 'SELECT count(*) AS n FROM shipments WHERE payment_id = $1', first.paymentId)).toBe(1);
      expect(await count('crm', 'SELECT payment_count AS n FROM customer_profiles WHERE customer_id = $1', customerId)).toBe(1);
      for (const reader of deadLetters) expect(await reader.countSinceMark()).toBe(0);
    });

    it('with other content is dead-lettered as a conflict by every consumer, and the first stands', async () => {
      const first = paymentCompletedEvent(10);
      const conflicting: PaymentCompleted = { ...first, amountMinor: first.amountMinor + 1, envelope: { ...first.envelope, eventId: randomUUID() } };
      await produce(PAYMENTS_TOPIC, await codec.encode('PaymentCompleted', first), {}, first.paymentId);
      await eventually(async () => ((await appliedBy('PaymentCompleted', first.paymentId)).length === PAYMENT_CONSUMERS.length ? true : undefined), 'the first');
      await expectCostsOnlyItself('a conflicting second announcement', everyConsumer('conflicting-duplicate'), async () =>
        produce(PAYMENTS_TOPIC, await codec.encode('PaymentCompleted', conflicting), {}, first.paymentId),
      );
      const { rows } = await databases.get('invoice')!.query('SELECT total_minor::int AS total FROM invoices WHERE payment_id = $1', [first.paymentId]);
      expect(rows).toEqual([{ total: first.amountMinor }]);
    });
  });

  describe('failure headers read back from a retry topic are checked, not trusted', () => {
    /** A retry record for `event` as the service would write it, signed with its key when `sign` is set. */
    async function retryRecord(service: ServiceName, round: number, event: PaymentCompleted, position: { partition: number; offset: string }, overrides: Record<string, string>, sign: boolean) {
      const value = await codec.encode('PaymentCompleted', event);
      const headers: Record<string, string> = {
        [FAILURE_HEADERS.originalTopic]: PAYMENTS_TOPIC,
        [FAILURE_HEADERS.originalPartition]: String(position.partition),
        [FAILURE_HEADERS.originalOffset]: position.offset,
        [FAILURE_HEADERS.attempts]: '1',
        [FAILURE_HEADERS.retryAt]: String(Date.now()),
        ...overrides,
      };
      if (sign) {
        const db = databases.get(service)!;
        const signer = await RetrySigner.load(async (sql, parameters) => (await db.query(sql, parameters)).rows);
        headers[FAILURE_HEADERS.signature] = signer.sign({ topic: failureTopics(service).retries[round - 1], headers, key: Buffer.from(event.paymentId), value });
      }
      return { topic: failureTopics(service).retries[round - 1], messages: [{ key: event.paymentId, value, headers }] };
    }

    it.each([
      ['a retry time a year away', { [FAILURE_HEADERS.retryAt]: String(Date.now() + 365 * 24 * 3_600_000) }, true],
      ['negative attempts', { [FAILURE_HEADERS.attempts]: '-1' }, true],
      ['an original topic the service does not consume', { [FAILURE_HEADERS.originalTopic]: 'shipping.shipment-scheduled' }, true],
      ['no original offset', { [FAILURE_HEADERS.originalOffset]: '' }, true],
      ['well-formed headers that the service did not sign (an event that is on no event topic)', {}, false],
      ['a signed retry whose attempts were changed afterwards', { [FAILURE_HEADERS.attempts]: '0' }, 'tampered'],
      ['a signed retry of the last round copied to the first round\'s topic', { [FAILURE_HEADERS.attempts]: '3' }, 'copied'],
    ])('%s is dead-lettered as invalid, and not applied', async (name, overrides, sign) => {
      const event = paymentCompletedEvent(11);
      await expectCostsOnlyItself(name, { crm: 'invalid-failure-headers', invoice: 'invalid-failure-headers' }, async () => {
        for (const service of ['crm', 'invoice'] as const) {
          const record = await retryRecord(service, sign === 'copied' ? 3 : 1, event, { partition: 0, offset: '0' }, sign === 'tampered' ? {} : overrides, sign !== false);
          if (sign === 'tampered') Object.assign(record.messages[0].headers, overrides);
          await producer.send({ ...record, topic: failureTopics(service).retries[0], acks: -1 });
        }
      });
      expect(await appliedBy('PaymentCompleted', event.paymentId)).toEqual([]);
    });

    it('a record due at the end of the longest delay waits, paused on its own retry topic, while every event topic flows', async () => {
      const event = paymentCompletedEvent(12);
      const [{ partition, baseOffset }] = await producer.send({
        topic: PAYMENTS_TOPIC,
        acks: -1,
        messages: [{ key: event.paymentId, value: await codec.encode('PaymentCompleted', event) }],
      });
      const dueAt = String(Date.now() + LONGEST_DELAY_MS - 5_000);
      await expectCostsOnlyItself('a retry due in 15 s', {}, async () => {
        for (const service of PAYMENT_CONSUMERS) {
          await producer.send({ ...(await retryRecord(service, 2, event, { partition, offset: baseOffset! }, { [FAILURE_HEADERS.attempts]: '2', [FAILURE_HEADERS.retryAt]: dueAt }, true)), acks: -1 });
        }
      });
      // Still waiting: no consumer has committed past it.
      const admin = kafka.admin();
      await admin.connect();
      try {
        for (const service of PAYMENT_CONSUMERS) {
          const topic = failureTopics(service).retries[1];
          const [{ lag }] = await consumerGroupLag(admin, service, { topics: [topic] });
          expect({ service, waiting: lag > 0 }).toEqual({ service, waiting: true });
        }
      } finally {
        await admin.disconnect();
      }
    });

    it('a record that cannot be rerouted whole leaves a stub with its reference and reason, and the partition moves on', async () => {
      const [letter] = [
        ...(
          await expectCostsOnlyItself('a retry record too large to dead-letter', { crm: 'reroute-failed' }, () =>
            // The retry topic's limit, less the few bytes of overhead: the failure headers push it over.
            produce(failureTopics('crm').retries[0], Buffer.alloc(1_310_560, 0xee), { [FAILURE_HEADERS.attempts]: 'many' }),
          )
        ).values(),
      ];
      expect(letter.message.value).toBeNull();
      expect(headersAsStrings(letter.message.headers)[FAILURE_HEADERS.error]).toMatch(/invalid-failure-headers/);
    });
  });

  describe('history stays usable after all of the above', () => {
    it('rebuilds every projection to done', async () => {
      await waitUntilCaughtUp(kafka, CONSUMING_SERVICES);
      for (const service of CONSUMING_SERVICES) {
        const replays = new ReplayClient(choreography.url(service), ADMIN_TOKEN);
        const { id } = await replays.start({});
        const finished = await replays.waitUntilFinished(id);
        expect({ service, state: finished.state, error: finished.error }).toEqual({ service, state: 'done', error: undefined });
      }
    }, 600_000);

    it('payments --verify lists the poison records on the payments topic instead of stopping at them', async () => {
      const report = await verifyPayments();
      const reasons = new Set(report.differences.flatMap((difference) => (difference.kind === 'undecodable-record' ? [difference.reason] : [])));
      expect([...reasons]).toEqual(expect.arrayContaining(['bad-magic-byte', 'corrupt-body', 'schema-not-on-topic', 'event-type-not-on-topic', 'invalid-envelope']));
    }, 120_000);
  });
});

