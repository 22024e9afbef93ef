import { Admin, Partitioners, Producer } from 'kafkajs';
import { CONSUMING_SERVICES, loadPlatformConfig, reactingTo, SERVICE_NAMES, ServiceName, SERVICES } from '@ensemble/config';
import { failureTopics } from '@ensemble/event-consumer';
import { loadEventCatalogue } from '@ensemble/events';
import { createKafka } from '@ensemble/kafka/create-kafka';
import { Choreography, eventually, paymentBody, postPayment, ScrapedMetrics, scrapeMetrics, skipNotificationsBacklog, waitUntilCaughtUp } from '@ensemble/testing';

const config = loadPlatformConfig();
const kafka = createKafka(config, 'metrics-spec');
const PAYMENTS_TOPIC = 'payments.payment-completed';
const catalogue = loadEventCatalogue();
/** The event topics each consumer reads, as its declaration says: each payment puts one record on each. */
const EVENT_TOPICS: Record<string, string[]> = Object.fromEntries(
  CONSUMING_SERVICES.map((service) => [service, SERVICES[service].reactsTo.map((eventType) => catalogue.get(eventType).topic)]),
);
/**
 * Rows each payment puts in each producing service's outbox, by destination: an event each for
 * payments, invoice and shipping; for notifications, the jobs of the invoice's and the shipment's
 * emails and, once they are sent, their EmailSent.
 */
const OUTBOX_ROWS_PER_PAYMENT: Record<'kafka' | 'rabbitmq', Partial<Record<ServiceName, number>>> = {
  kafka: { payments: 1, invoice: 1, shipping: 1, notifications: 2 },
  rabbitmq: { notifications: 2 },
};
const PAYMENTS = 25;

/**
 * What the services' GET /metrics tell of a run, against the real platform: every record applied
 * is counted on its topic, every partition a consumer owns has its lag exported by it and back at
 * 0 once the consumer has caught up, and a poison record is counted once as a dead letter for its reason.
 */
describe("the services' /metrics", () => {
  const choreography = new Choreography({}, 3230);
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    admin = kafka.admin();
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await Promise.all([admin.connect(), producer.connect()]);
    await skipNotificationsBacklog(kafka, config);
    await choreography.start();
    // Earlier specs may have left records that no consumer has applied yet; counts are compared from here.
    await waitUntilCaughtUp(kafka, CONSUMING_SERVICES);
  }, 240_000);

  afterAll(async () => {
    await choreography.stop();
    await Promise.all([admin?.disconnect(), producer?.disconnect()]);
  });

  async function scrape(services: readonly ServiceName[]): Promise<Map<ServiceName, ScrapedMetrics>> {
    return new Map(await Promise.all(services.map(async (service) => [service, await scrapeMetrics(choreography.url(service))] as const)));
  }

  /** Whether every consumer exports its lag, in records and in seconds, and all of it is 0. */
  function caughtUp(scraped: Map<ServiceName, ScrapedMetrics>): boolean {
    return CONSUMING_SERVICES.every((service) => {
      const lags = [...scraped.get(service)!.matching('kafka_consumergroup_lag'), ...scraped.get(service)!.matching('kafka_consumergroup_lag_seconds')];
      return lags.length > 0 && lags.every(({ value }) => value === 0);
    });
  }

  /** How much each service's sum of `name` grew between two scrapes of the same services. */
  function growth(before: Map<ServiceName, ScrapedMetrics>, after: Map<ServiceName, ScrapedMetrics>, name: string, labels: Record<string, string> = {}): Record<string, number> {
    return Object.fromEntries([...after].map(([service, metrics]) => [service, metrics.sum(name, labels) - before.get(service)!.sum(name, labels)]));
  }

  /** `value` for each of `services`, 0 for the other services of `among`. */
  const eachOf = (services: readonly ServiceName[], value: number, among: readonly ServiceName[] = services) =>
    Object.fromEntries(among.map((service) => [service, services.includes(service) ? value : 0]));

  it('exports the lag of every partition each consumer owns, its retry topics included, under its group', async () => {
    const scraped = await eventually(async () => {
      const metrics = await scrape(CONSUMING_SERVICES);
      return caughtUp(metrics) ? metrics : undefined;
    }, 'every consumer to export its lag, at 0');
    for (const service of CONSUMING_SERVICES) {
      const series = scraped.get(service)!.matching('kafka_consumergroup_lag');
      const topics = [...EVENT_TOPICS[service], ...failureTopics(service).retries];
      const expected = (await Promise.all(topics.map(async (topic) => (await admin.fetchTopicOffsets(topic)).map(({ partition }) => `${topic}[${partition}]`)))).flat();
      expect({ service, partitions: series.map(({ labels }) => `${labels.topic}[${labels.partition}]`).sort() }).toEqual({ service, partitions: expected.sort() });
      expect(new Set(series.map(({ labels }) => labels.consumergroup))).toEqual(new Set([service]));
    }
  });

  it(`counts ${PAYMENTS} payments as ${PAYMENTS} records applied on each event topic of every consumer, and every lag comes back to 0`, async () => {
    const before = await scrape(SERVICE_NAMES);
    const posted = await Promise.all(Array.from({ length: PAYMENTS }, (_, seed) => postPayment(choreography.url('payments'), paymentBody(seed))));
    expect(posted.map(({ status }) => status)).toEqual(posted.map(() => 201));

    const appliedOn = (topic: string, after: Map<ServiceName, ScrapedMetrics>) => growth(before, after, 'ensemble_consumer_records_applied_total', { topic });
    const published = (destination: 'kafka' | 'rabbitmq', after: Map<ServiceName, ScrapedMetrics>, name = 'ensemble_outbox_publish_latency_seconds_count') =>
      growth(before, after, name, { destination });
    const expectedRows = (destination: 'kafka' | 'rabbitmq') =>
      Object.fromEntries(SERVICE_NAMES.map((service) => [service, (OUTBOX_ROWS_PER_PAYMENT[destination][service] ?? 0) * PAYMENTS]));
    const after = await eventually(
      async () => {
        const metrics = await scrape(SERVICE_NAMES);
        const applied = CONSUMING_SERVICES.every((service) => EVENT_TOPICS[service].every((topic) => appliedOn(topic, metrics)[service] >= PAYMENTS));
        const relayed = (['kafka', 'rabbitmq'] as const).every((destination) =>
          SERVICE_NAMES.every((service) => published(destination, metrics)[service] >= expectedRows(destination)[service]),
        );
        return applied && relayed && caughtUp(metrics) ? metrics : undefined;
      },
      `every consumer to apply ${PAYMENTS} records on each of its event topics and catch up, and every relay to publish what they wrote`,
      120_000,
    );

    for (const topic of new Set(Object.values(EVENT_TOPICS).flat())) {
      const readers = CONSUMING_SERVICES.filter((service) => EVENT_TOPICS[service].includes(topic));
      expect({ topic, applied: appliedOn(topic, after) }).toEqual({ topic, applied: eachOf(readers, PAYMENTS, SERVICE_NAMES) });
    }
    // Each row of each outbox is relayed and measured once, under its destination, and each POST timed under its route.
    for (const destination of ['kafka', 'rabbitmq'] as const) {
      expect({ destination, published: published(destination, after) }).toEqual({ destination, published: expectedRows(destination) });
      expect({ destination, batched: published(destination, after, 'ensemble_outbox_batch_events_sum') }).toEqual({ destination, batched: expectedRows(destination) });
    }
    expect(growth(before, after, 'http_request_duration_seconds_count', { method: 'POST', route: '/payments', status_code: '201' })).toEqual(eachOf(['payments'], PAYMENTS, SERVICE_NAMES));
  });

  it('counts one poison record as one dead letter for its reason in every consumer of its topic, whose lag comes back to 0', async () => {
    const deadLetters = { destination: 'dead-letter', reason: 'bad-magic-byte' };
    const readers = reactingTo('PaymentCompleted');
    const before = await scrape(CONSUMING_SERVICES);
    await producer.send({ topic: PAYMENTS_TOPIC, acks: -1, messages: [{ key: 'metrics-spec-poison', value: Buffer.from('{"paymentId":"not wire format"}') }] });

    const after = await eventually(
      async () => {
        const metrics = await scrape(CONSUMING_SERVICES);
        const counted = readers.every((service) => growth(before, metrics, 'ensemble_consumer_records_rerouted_total', deadLetters)[service] >= 1);
        return counted && caughtUp(metrics) ? metrics : undefined;
      },
      'every consumer to dead-letter the poison record and catch up',
    );
    expect(growth(before, after, 'ensemble_consumer_records_rerouted_total', deadLetters)).toEqual(eachOf(readers, 1, CONSUMING_SERVICES));
    // Nothing else was rerouted, to a retry topic or for another reason.
    expect(growth(before, after, 'ensemble_consumer_records_rerouted_total')).toEqual(eachOf(readers, 1, CONSUMING_SERVICES));
  });
});
