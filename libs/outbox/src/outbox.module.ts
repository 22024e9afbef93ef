import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { PLATFORM_CONFIG, PlatformConfig, ServiceName } from '@ensemble/config';
import { EventCodec } from '@ensemble/event-codec';
import { EventCatalogue } from '@ensemble/events';
import { createOrderedProducer, KAFKA_CLIENT } from '@ensemble/kafka';
import { MetricsModule } from '@ensemble/metrics';
import { WorkQueuePublisher } from '@ensemble/work-queue';
import { KafkaDestination } from './destinations/kafka-destination';
import { WorkQueueDestination } from './destinations/work-queue-destination';
import { measureOutboxBacklog, OutboxBacklog } from './outbox-backlog';
import { DEFAULT_RELAY_OPTIONS, OutboxRelay } from './outbox-relay';
import { OutboxWriter } from './outbox-writer';

const OUTBOX_SERVICE = Symbol('OUTBOX_SERVICE');
const OUTBOX_RELAYS = Symbol('OUTBOX_RELAYS');

/** Starts the relays with the application, stops them last on shutdown, and turns their events into logs and metrics. */
@Injectable()
class OutboxRelayLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('outbox-relay');

  constructor(
    @Inject(OUTBOX_RELAYS) private readonly relays: OutboxRelay[],
    @Inject(OUTBOX_SERVICE) private readonly service: ServiceName,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    registry: Registry,
    dataSource: DataSource,
  ) {
    const labelNames = ['destination'] as const;
    const published = new Counter({ name: 'ensemble_outbox_published_total', help: 'Outbox rows published to their broker', labelNames, registers: [registry] });
    const latency = new Histogram({
      name: 'ensemble_outbox_publish_latency_seconds',
      help: "Time from an outbox row's created_at (the start of the transaction that wrote it, a little before its commit, by the database's clock) to the broker's acknowledgement of its record",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      labelNames,
      registers: [registry],
    });
    const batchEvents = new Histogram({
      name: 'ensemble_outbox_batch_events',
      help: 'Outbox rows per batch sent to their broker and acknowledged',
      buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000],
      labelNames,
      registers: [registry],
    });
    const destinations = relays.map((relay) => relay.destination);
    const backlogGauge = (name: string, help: string, figure: (backlog: OutboxBacklog) => number) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers: [registry],
        async collect() {
          for (const destination of destinations) this.set({ destination }, figure(await measureOutboxBacklog(dataSource, destination)));
        },
      });
    backlogGauge('ensemble_outbox_backlog_events', 'Outbox rows not yet published', (backlog) => backlog.pending);
    backlogGauge('ensemble_outbox_oldest_pending_age_seconds', 'Age of the oldest unpublished outbox row', (backlog) => backlog.oldestPendingSeconds);
    backlogGauge(
      'ensemble_outbox_parked_events',
      'Outbox rows set aside because they cannot be published (npm run outbox -- list <service>)',
      (backlog) => backlog.parked,
    );
    for (const relay of relays) {
      const destination = relay.destination;
      relay.on('published', ({ count, latenciesMs }) => {
        published.inc({ destination }, count);
        batchEvents.observe({ destination }, count);
        // The two clocks may disagree by a little: a row cannot have been acknowledged before it was written.
        for (const ms of latenciesMs) latency.observe({ destination }, Math.max(0, ms) / 1_000);
      });
      relay.on('parked', ({ id, aggregateId, eventType, topic, reason }) =>
        this.logger.error(
          { eventId: id, eventType, aggregateId, topic, destination },
          `parked a ${eventType}; the later rows of its aggregate wait behind it (npm run outbox -- list|retry ${this.service}): ${reason}`,
        ),
      );
      relay.on('failed', ({ error, failures, retryInMs }) =>
        this.logger.warn({ destination }, `failure ${failures} in a row since the last pass, retrying in ${retryInMs} ms: ${error.message}`),
      );
      relay.on('maintenanceFailed', ({ error }) => this.logger.warn({ destination }, `maintenance failed, trying again in its next interval: ${error.message}`));
      relay.on('maintained', ({ deleted, vacuumed }) =>
        this.logger.log({ destination }, `deleted ${deleted} published rows past retention; ${vacuumed ? `vacuumed ${vacuumed} dead row versions` : 'no vacuum needed'}`),
      );
      let lanes = '';
      relay.on('lanes', ({ held }) => {
        if (held.join() !== lanes) this.logger.log({ destination }, `now publishing lanes [${(lanes = held.join())}] to ${destination}`);
      });
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.outbox.relay) return this.logger.log('OUTBOX_RELAY=off: not relaying');
    for (const relay of this.relays) await relay.start();
    this.logger.log(`relaying the ${this.service} outbox to ${this.relays.map((relay) => relay.destination).join(' and ')}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.relays.map((relay) => relay.stop()));
  }
}

/**
 * The transactional outbox of one producing service: {@link OutboxWriter} for its transactions, and
 * the relay that publishes what they wrote. The catalogue, codec and Kafka client are the
 * process's own, from the `PlatformModule`.
 */
@Module({})
export class OutboxModule {
  /** With `workQueue`, a second relay hands the outbox's jobs to that RabbitMQ queue. */
  static forRoot(options: { service: ServiceName; workQueue?: string }): DynamicModule {
    return {
      module: OutboxModule,
      imports: [MetricsModule],
      providers: [
        { provide: OUTBOX_SERVICE, useValue: options.service },
        {
          provide: OutboxWriter,
          useFactory: (catalogue: EventCatalogue, codec: EventCodec) => new OutboxWriter(options.service, catalogue, codec),
          inject: [EventCatalogue, EventCodec],
        },
        {
          provide: OUTBOX_RELAYS,
          useFactory: (config: PlatformConfig, codec: EventCodec, kafka: Kafka) => {
            const { batchSize, pollIntervalMs, retentionMs } = config.outbox;
            const relayOptions = {
              ...DEFAULT_RELAY_OPTIONS,
              databaseUrl: config.databases[options.service],
              batchSize: batchSize ?? DEFAULT_RELAY_OPTIONS.batchSize,
              pollIntervalMs: pollIntervalMs ?? DEFAULT_RELAY_OPTIONS.pollIntervalMs,
              retentionMs: retentionMs ?? DEFAULT_RELAY_OPTIONS.retentionMs,
            };
            const { workQueue } = options;
            return [
              new OutboxRelay(relayOptions, new KafkaDestination(createOrderedProducer(kafka), codec)),
              ...(workQueue ? [new OutboxRelay(relayOptions, new WorkQueueDestination(new WorkQueuePublisher({ ...config.workQueue, queue: workQueue }), workQueue))] : []),
            ];
          },
          inject: [PLATFORM_CONFIG, EventCodec, KAFKA_CLIENT],
        },
        OutboxRelayLifecycle,
      ],
      exports: [OutboxWriter],
    };
  }
}
