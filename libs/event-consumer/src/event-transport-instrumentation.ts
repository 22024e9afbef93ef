import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { consumerGroupLag, KAFKA_CLIENT, PartitionLag } from '@ensemble/kafka';
import { ConsumerPositions, OwnedPartitionLag } from './consumer-positions';
import { Delivery } from './event-context';
import { EventTransport } from './event-transport';

/** Which record a line is about, as fields: its event id (when its headers name one) and where it was published. */
function recordFields({ topic, partition, offset, headers }: Delivery): { eventId?: string; topic: string; partition: number; offset: string } {
  return { eventId: headers['event-id'], topic, partition, offset };
}

/** The labels kafka_exporter gives a partition's lag, so that its dashboards and alerts read ours. */
type LagLabels = 'consumergroup' | 'topic' | 'partition';

/**
 * How long Kafka's answer on the owned partitions serves later scrapes (the console samples every
 * second, Prometheus every 15 s); meanwhile the ends the consumer's own fetches see keep a busy
 * partition's lag current.
 */
const KAFKA_ANSWER_REUSE_MS = 5_000;

/**
 * Turns what the service's {@link EventTransport} reports into logs and Prometheus metrics. The lag
 * of each partition this instance owns is measured when it is scraped, and only then: from where
 * the consumer stands (see {@link ConsumerPositions}) to the partition's end, which Kafka is asked
 * for then, so that an idle service does no work for it between scrapes.
 */
@Injectable()
export class EventTransportInstrumentation implements OnApplicationShutdown {
  private readonly logger = new Logger('event-consumer');
  private readonly positions = new ConsumerPositions();
  private admin?: Promise<Admin>;
  /** Kafka's last answer on the owned partitions, shared by the gauges of a scrape and by the scrapes soon after it. */
  private kafkaAnswer?: { owned: string; at: number; partitions: Promise<PartitionLag[]> };

  constructor(
    transport: EventTransport,
    registry: Registry,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
  ) {
    const applied = new Counter({
      name: 'ensemble_consumer_records_applied_total',
      help: 'Records whose transaction committed (duplicates included, which have no second effect), by the topic they were published to',
      labelNames: ['topic'],
      registers: [registry],
    });
    const rerouted = new Counter({
      name: 'ensemble_consumer_records_rerouted_total',
      help: 'Failed records sent to a retry topic or to the dead-letter topic, by destination and reason',
      labelNames: ['destination', 'reason'],
      registers: [registry],
    });
    const stubs = new Counter({
      name: 'ensemble_consumer_dead_letter_stubs_total',
      help: 'Records that could not be rerouted whole and left a stub in the dead-letter topic',
      registers: [registry],
    });
    const transactionSeconds = new Histogram({
      name: 'ensemble_consumer_transaction_duration_seconds',
      help: 'Time to apply a chunk of records in one transaction, commit included',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    const transactionRecords = new Histogram({
      name: 'ensemble_consumer_transaction_records',
      help: 'Records applied per transaction',
      buckets: [1, 10, 50, 100, 250, 500, 1_000, 2_500, 5_000],
      registers: [registry],
    });
    const exportLag = async (gauge: Gauge<LagLabels>, value: (lag: OwnedPartitionLag) => number) => {
      const measured = await this.measureLag();
      // Partitions this instance no longer owns go with the others: another instance tells their lag now.
      gauge.reset();
      if (!measured) return;
      for (const lag of measured.lags) gauge.set({ consumergroup: measured.group, topic: lag.topic, partition: lag.partition }, value(lag));
    };
    new Gauge<LagLabels>({
      name: 'kafka_consumergroup_lag',
      help: "Records between the next one this instance's consumer will apply and the end of each partition it owns (kafka_exporter's name and labels; measured from the position applied, not only from the committed offset)",
      labelNames: ['consumergroup', 'topic', 'partition'],
      registers: [registry],
      collect() {
        return exportLag(this, (lag) => lag.records);
      },
    });
    new Gauge<LagLabels>({
      name: 'kafka_consumergroup_lag_seconds',
      help: 'Age of the oldest record not yet applied on each partition this instance owns, 0 when there is none: from its Kafka timestamp once fetched, before that from when a scrape first saw it',
      labelNames: ['consumergroup', 'topic', 'partition'],
      registers: [registry],
      collect() {
        return exportLag(this, (lag) => lag.seconds);
      },
    });
    const startFailures = new Counter({
      name: 'ensemble_consumer_start_failures_total',
      help: 'Starts of the consumer that failed, and crashes kafkajs did not recover from; each is followed by a new start',
      registers: [registry],
    });

    transport.on('assigned', ({ group, partitions }) => {
      this.positions.assign(group, partitions);
      // Kafka's last answer may hold offsets committed before the group moved: ask again at the next scrape.
      this.kafkaAnswer = undefined;
    });
    transport.on('positioned', (position) => this.positions.moved(position));
    transport.on('committed', ({ target, records, durationMs }) => {
      // A replay applies through the same core into its shadow: only the live consumer's transactions are counted here.
      if (target.schema) return;
      transactionSeconds.observe(durationMs / 1_000);
      transactionRecords.observe(records.length);
      const byTopic = new Map<string, number>();
      for (const { delivery } of records) byTopic.set(delivery.topic, (byTopic.get(delivery.topic) ?? 0) + 1);
      for (const [topic, count] of byTopic) applied.inc({ topic }, count);
    });
    transport.on('rerouted', ({ delivery, to, destination, failure }) => {
      rerouted.inc({ destination, reason: failure.reason });
      this.logger.warn({ ...recordFields(delivery), to, reason: failure.reason }, `rerouted to ${to} (${failure.reason}): ${failure.message}`);
    });
    transport.on('stubbed', ({ delivery, to, failure }) => {
      stubs.inc();
      this.logger.warn({ ...recordFields(delivery), to, reason: failure.reason }, `left a stub in ${to}: ${failure.message}`);
    });
    transport.on('startFailed', ({ error, failures, retryInMs }) => {
      startFailures.inc();
      this.logger.warn(`could not start consuming (failure ${failures} in a row since the group was last joined), trying again in ${retryInMs} ms: ${error.message}`);
    });
    transport.on('consuming', ({ group, eventTopics, retryTopics }) =>
      this.logger.log(`consuming ${eventTopics.join(', ')} and ${retryTopics.join(', ')} as group ${group}`),
    );
    transport.on('decodeFailed', ({ topic, error, retryInMs }) =>
      this.logger.warn({ topic }, `decoding a record of ${topic} failed, retrying in ${retryInMs} ms: ${error.message}`),
    );
    transport.on('sendFailed', ({ topic, error, retryInMs }) => this.logger.warn({ topic }, `sending to ${topic} failed, retrying in ${retryInMs} ms: ${error.message}`));
    transport.on('databaseUnavailable', ({ error, retryInMs }) =>
      this.logger.warn(`the database does not answer; the same records are applied again once it does (next try in ${retryInMs} ms): ${error.message}`),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    const admin = await this.admin?.catch(() => undefined);
    await admin?.disconnect();
  }

  /**
   * The lag of the partitions the consumer owns; undefined while it owns none, or when Kafka does
   * not answer at once: the lag is then left out of the scrape rather than holding it up.
   */
  private async measureLag(): Promise<{ group: string; lags: OwnedPartitionLag[] } | undefined> {
    const ownership = this.positions.ownership;
    if (!ownership) return undefined;
    try {
      const partitions = await this.askKafka(ownership.group, ownership.topics);
      return { group: ownership.group, lags: this.positions.lag(partitions, Date.now()) };
    } catch {
      return undefined;
    }
  }

  /** The group's committed offsets and the ends of the owned topics' partitions, as Kafka told them within {@link KAFKA_ANSWER_REUSE_MS}. */
  private askKafka(group: string, topics: string[]): Promise<PartitionLag[]> {
    const owned = `${group} ${topics.join()}`;
    const now = Date.now();
    const last = this.kafkaAnswer;
    if (last?.owned === owned && now - last.at < KAFKA_ANSWER_REUSE_MS) return last.partitions;
    const partitions = this.connectedAdmin().then((admin) => consumerGroupLag(admin, group, { topics }));
    const answer = { owned, at: now, partitions };
    this.kafkaAnswer = answer;
    partitions.catch(() => {
      // A failed answer serves no later scrape.
      if (this.kafkaAnswer === answer) this.kafkaAnswer = undefined;
    });
    return partitions;
  }

  private connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      // No retries: a scrape waits for no broker; the next one asks again.
      const admin = this.kafka.admin({ retry: { retries: 0 } });
      this.admin = admin.connect().then(() => admin);
      // A connection that failed is not kept: the next scrape connects again.
      this.admin.catch(() => (this.admin = undefined));
    }
    return this.admin;
  }
}
