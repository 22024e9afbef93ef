import { randomUUID } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import { Client } from 'pg';
import { loadPlatformConfig, reactingTo, ServiceName } from '@ensemble/config';
import { EventCodec } from '@ensemble/event-codec';
import { createEventCodec } from '@ensemble/event-codec/registry-codec';
import { EnsembleEvent, InvoiceIssued, loadEventCatalogue, PaymentCompleted, ShipmentScheduled } from '@ensemble/events';
import { committedOffsets, ReadRecord } from '@ensemble/kafka';
import { createKafka } from '@ensemble/kafka/create-kafka';
import { Choreography, eventually, paymentBody, postPayment, servicesWithout, TopicReader, waitUntilCaughtUp } from '@ensemble/testing';

const config = loadPlatformConfig();
const kafka = createKafka(config, 'choreography-spec');
const codec = createEventCodec(config.schemaRegistry.url, loadEventCatalogue());
const CONSUMERS = reactingTo('PaymentCompleted');

/** Each consuming service's database, to count effects directly. */
const databases = Object.fromEntries(CONSUMERS.map((service) => [service, new Client({ connectionString: config.databases[service] })])) as Record<ServiceName, Client>;

async function count(service: ServiceName, sql: string, params: unknown[]): Promise<number> {
  const { rows } = await databases[service].query(sql, params);
  return Number(rows[0].count);
}

const effects = {
  invoices: (paymentIds: string[]) => count('invoice', 'SELECT count(*) FROM invoices WHERE payment_id = ANY($1)', [paymentIds]),
  shipments: (paymentIds: string[]) => count('shipping', 'SELECT count(*) FROM shipments WHERE payment_id = ANY($1)', [paymentIds]),
  profilePayments: (customerPrefix: string) =>
    count('crm', 'SELECT coalesce(sum(payment_count), 0) AS count FROM customer_profiles WHERE customer_id LIKE $1', [`${customerPrefix}%`]),
  dashboardPayments: () => count('dashboards', `SELECT coalesce(sum(count), 0) AS count FROM dashboard_figures WHERE minute = 'epoch' AND metric = 'payments'`, []),
};

/** A payment for a customer of this spec's own, so that profile counts start at zero. */
function paymentFor(customerId: string, seed = 1) {
  return { ...paymentBody(seed), customerId };
}

/** GET a service's JSON. */
async function getJson(url: string): Promise<any> {
  return (await fetch(url)).json();
}

async function decodeRecord<T extends EnsembleEvent>(record: ReadRecord): Promise<T> {
  return (await codec.decode(record.topic, record.message.value)) as T;
}

/** Waits until `group` has committed past `offset` on the partition: the record has been handled. */
async function handledBy(group: string, topic: string, partition: number, offset: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await eventually(async () => {
      const committed = (await committedOffsets(admin, group, [topic])).find((entry) => entry.partition === partition)?.committed;
      return committed !== undefined && committed > Number(offset) ? true : undefined;
    }, `${group} to pass ${topic}[${partition}]@${offset}`);
  } finally {
    await admin.disconnect();
  }
}

describe('the choreography: four services react to each payment, each exactly once in effect', () => {
  const choreography = new Choreography();
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    await Promise.all(Object.values(databases).map((database) => database.connect()));
    // Without notifications: these thousands of payments would cost twice as many emails, which no test here reads.
    await choreography.start(servicesWithout('notifications'));
    // Earlier specs may have left payments that no consumer has seen yet; effects are counted from here.
    await waitUntilCaughtUp(kafka, CONSUMERS);
  }, 240_000);

  afterAll(async () => {
    await choreography.stop();
    await Promise.all(Object.values(databases).map((database) => database.end()));
  });

  it('turns one posted payment into an invoice, a profile, a shipment, dashboard figures and the follow-on events', async () => {
    const customerId = `one-${run}`;
    const invoices = new TopicReader(kafka, 'invoice.invoice-issued');
    const shipments = new TopicReader(kafka, 'shipping.shipment-scheduled');
    const payments = new TopicReader(kafka, 'payments.payment-completed');
    await Promise.all([invoices.mark(), shipments.mark(), payments.mark()]);
    const dashboardBefore = await effects.dashboardPayments();

    const { body: payment } = await postPayment(choreography.url('payments'), paymentFor(customerId), randomUUID(), { 'X-Correlation-Id': `order-${run}` });

    const invoice = await eventually(async () => {
      const found = await getJson(`${choreography.url('invoice')}/invoices?paymentId=${payment.id}`);
      return found.length ? found[0] : undefined;
    }, 'the invoice');
    const profile = await eventually(async () => {
      const response = await fetch(`${choreography.url('crm')}/customers/${customerId}`);
      return response.ok ? response.json() : undefined;
    }, 'the customer profile');
    const shipment = await eventually(async () => {
      const found = await getJson(`${choreography.url('shipping')}/shipments?paymentId=${payment.id}`);
      return found.length ? found[0] : undefined;
    }, 'the shipment');
    const summary = await eventually(async () => {
      const figures = await getJson(`${choreography.url('dashboards')}/dashboards/summary`);
      return figures.payments.count === dashboardBefore + 1 ? figures : undefined;
    }, 'the dashboard to count the payment');

    expect(invoice).toMatchObject({ paymentId: payment.id, customerId, totalMinor: payment.amountMinor, currency: payment.currency, number: expect.stringMatching(/^\d{4}-\d{6}$/) });
    expect(profile).toEqual({
      customerId,
      email: payment.customerEmail,
      paymentCount: 1,
      lifetimeValueMinor: { [payment.currency]: payment.amountMinor },
      firstPaymentAt: payment.completedAt,
      lastPaymentAt: payment.completedAt,
    });
    expect(shipment).toMatchObject({ paymentId: payment.id, status: 'scheduled', address: payment.shippingAddress });
    expect(summary.payments.revenueMinor[payment.currency]).toBeGreaterThanOrEqual(payment.amountMinor);

    const [completed] = await Promise.all([payments.readUntil((read) => read.some((record) => record.message.key?.toString() === payment.id))]);
    const paymentEvent = await decodeRecord<PaymentCompleted>(completed.find((record) => record.message.key?.toString() === payment.id)!);
    const issued = await decodeRecord<InvoiceIssued>((await invoices.readUntil((read) => read.some((record) => record.message.key?.toString() === invoice.id))).find((record) => record.message.key?.toString() === invoice.id)!);
    const scheduled = await decodeRecord<ShipmentScheduled>((await shipments.readUntil((read) => read.some((record) => record.message.key?.toString() === shipment.id))).find((record) => record.message.key?.toString() === shipment.id)!);
    for (const followOn of [issued, scheduled]) {
      expect(followOn.envelope).toMatchObject({ correlationId: `order-${run}`, causationId: paymentEvent.envelope.eventId });
    }
    expect(issued).toMatchObject({ invoiceNumber: invoice.number, paymentId: payment.id, envelope: { producer: 'invoice' } });
    expect(scheduled).toMatchObject({ paymentId: payment.id, envelope: { producer: 'shipping' } });
  });

  it('applies a record delivered twice, or again after a restart before its offset commit, once', async () => {
    const customerId = `twice-${run}`;
    const payments = new TopicReader(kafka, 'payments.payment-completed');
    await payments.mark();
    const { body: payment } = await postPayment(choreography.url('payments'), paymentFor(customerId), randomUUID());
    const [record] = (await payments.readUntil((read) => read.some((entry) => entry.message.key?.toString() === payment.id))).filter(
      (entry) => entry.message.key?.toString() === payment.id,
    );
    for (const service of CONSUMERS) await handledBy(service, 'payments.payment-completed', record.partition, record.offset);

    // The same record again, byte for byte.
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const [{ baseOffset = '' }] = await producer.send({
      topic: 'payments.payment-completed',
      acks: -1,
      messages: [{ key: record.message.key, value: record.message.value, headers: record.message.headers, partition: record.partition }],
    });
    await producer.disconnect();
    for (const service of CONSUMERS) await handledBy(service, 'payments.payment-completed', record.partition, baseOffset);

    // CRM restarted as if it had crashed before committing its offset: it is handed the record once more.
    await choreography.stopOne('crm');
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId: 'crm', topic: 'payments.payment-completed', partitions: [{ partition: record.partition, offset: record.offset }] });
    await admin.disconnect();
    await choreography.startOne('crm');
    await handledBy('crm', 'payments.payment-completed', record.partition, baseOffset);

    expect(await effects.invoices([payment.id])).toBe(1);
    expect(await effects.shipments([payment.id])).toBe(1);
    expect(await effects.profilePayments(customerId)).toBe(1);
    expect(await count('dashboards', 'SELECT count(*) FROM processed_events WHERE event_id = $1', [(await decodeRecord<PaymentCompleted>(record)).envelope.eventId])).toBe(1);
  });

  it('ends with exactly 2,000 effects in every service when a consumer is killed with SIGKILL mid-stream and restarted', async () => {
    const prefix = `burst-${run}-`;
    const dashboardBefore = await effects.dashboardPayments();
    const ids: string[] = [];
    let next = 0;
    let killed: Promise<void> | undefined;
    async function poster() {
      while (next < 2_000) {
        const seed = next++;
        const { status, body } = await postPayment(choreography.url('payments'), paymentFor(`${prefix}${seed % 100}`, seed));
        expect(status).toBe(201);
        ids.push(body.id);
        if (ids.length === 500) killed = choreography.kill('crm');
      }
    }
    await Promise.all(Array.from({ length: 25 }, poster));
    await killed;
    const crmBeforeRestart = await effects.profilePayments(prefix);
    await choreography.startOne('crm');

    await eventually(async () => ((await effects.profilePayments(prefix)) === 2_000 ? true : undefined), 'CRM to count 2,000 payments', 120_000);
    await eventually(async () => ((await effects.invoices(ids)) === 2_000 ? true : undefined), '2,000 invoices', 120_000);
    await eventually(async () => ((await effects.shipments(ids)) === 2_000 ? true : undefined), '2,000 shipments', 120_000);
    await eventually(async () => ((await effects.dashboardPayments()) - dashboardBefore === 2_000 ? true : undefined), 'the dashboard to count 2,000 payments', 120_000);

    expect(crmBeforeRestart).toBeLessThan(2_000); // the kill really interrupted CRM
    expect(await effects.profilePayments(prefix)).toBe(2_000);
    expect(await effects.invoices(ids)).toBe(2_000);
    expect(await effects.shipments(ids)).toBe(2_000);
    expect((await effects.dashboardPayments()) - dashboardBefore).toBe(2_000);
  });

  it('numbers invoices without gaps within a year, whatever was retried or killed', async () => {
    const { rows } = await databases.invoice.query(
      `SELECT count(*)::int AS issued, max(split_part(number, '-', 2)::int) AS highest
         FROM invoices WHERE number LIKE $1`,
      [`${new Date().getUTCFullYear()}-%`],
    );
    expect(rows[0].issued).toBeGreaterThan(0);
    expect(rows[0].highest).toBe(rows[0].issued);
  });

  it('keeps the others reacting while shipping is stopped, and shipping catches up when it starts', async () => {
    const customerId = `no-shipping-${run}`;
    await choreography.stopOne('shipping');
    const ids: string[] = [];
    for (let seed = 0; seed < 20; seed++) ids.push((await postPayment(choreography.url('payments'), paymentFor(customerId, seed))).body.id);

    await eventually(async () => ((await effects.invoices(ids)) === 20 ? true : undefined), 'invoices while shipping is down');
    await eventually(async () => ((await effects.profilePayments(customerId)) === 20 ? true : undefined), 'CRM while shipping is down');
    expect(await effects.shipments(ids)).toBe(0);

    await choreography.startOne('shipping');
    await eventually(async () => ((await effects.shipments(ids)) === 20 ? true : undefined), 'shipping to catch up');
    expect(await effects.shipments(ids)).toBe(20);
  });
});
