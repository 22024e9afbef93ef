import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { PLATFORM_CONFIG, PlatformConfig, ServiceName } from '@ensemble/config';
import { EventCodec } from '@ensemble/event-codec';
import { EventCatalogue } from '@ensemble/events';
import { createOrderedProducer, KAFKA_CLIENT } from '@ensemble/kafka';
import { MetricsModule } from '@ensemble/metrics';
import { measureOutboxBacklog } from './outbox-backlog';
import { DEFAULT_RELAY_OPTIONS, OutboxRelay } from './outbox-relay';
import { OutboxWriter } from './outbox-writer';

const OUTBOX_SERVICE = Symbol('OUTBOX_SERVICE');

/** Starts the relay with the application, stops it last on shutdown, and turns its events into logs and metrics. */
@Injectable()
class OutboxRelayLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('outbox-relay');

  constructor(
    private readonly relay: OutboxRelay,
    @Inject(OUTBOX_SERVICE) private readonly service: ServiceName,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    registry: Registry,
    dataSource: DataSource,
  ) {
    const published = new Counter({ name: 'ensemble_outbox_published_total', help: 'Outbox rows published to Kafka', registers: [registry] });
    const latency = new Histogram({
      name: 'ensemble_outbox_publish_latency_seconds',
      help: "Time from an outbox row's created_at (the start of the transaction that wrote it, a little before its commit, by the database's clock) to the broker's acknowledgement of its record",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    });
    const batchEvents = new Histogram({
      name: 'ensemble_outbox_batch_events',
      help: 'Outbox rows per batch sent to Kafka and acknowledged',
      buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000],
      registers: [registry],
    });
    new Gauge({
      name: 'ensemble_outbox_backlog_events',
      help: 'Outbox rows not yet published',
      registers: [registry],
      async collect() {
        this.set((await measureOutboxBacklog(dataSource)).pending);
      },
    });
    new Gauge({
      name: 'ensemble_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest unpublished outbox row',
      registers: [registry],
      async collect() {
        this.set((await measureOutboxBacklog(dataSource)).oldestPendingSeconds);
      },
    });
    new Gauge({
      name: 'ensemble_outbox_parked_events',
      help: 'Outbox rows set aside because they cannot be published (npm run outbox -- list <service>)',
      registers: [registry],
      async collect() {
        this.set((await measureOutboxBacklog(dataSource)).parked);
      },
    });
    relay.on('published', ({ count, latenciesMs }) => {
      published.inc(count);
      batchEvents.observe(count);
      // The two clocks may disagree by a little: a row cannot have been acknowledged before it was written.
      for (const ms of latenciesMs) latency.observe(Math.max(0, ms) / 1_000);
    });
    relay.on('parked', ({ id, aggregateId, eventType, topic, reason }) =>
      this.logger.error(
        { eventId: id, eventType, aggregateId, topic },
        `parked a ${eventType}; the later events of its aggregate wait behind it (npm run outbox -- list|retry ${this.service}): ${reason}`,
      ),
    );
    relay.on('failed', ({ error, failures, retryInMs }) =>
      this.logger.warn(`failure ${failures} in a row since the last pass, retrying in ${retryInMs} ms: ${error.message}`),
    );
    relay.on('maintenanceFailed', ({ error }) => this.logger.warn(`maintenance failed, trying again in its next interval: ${error.message}`));
    relay.on('maintained', ({ deleted, vacuumed }) =>
      this.logger.log(`deleted ${deleted} published rows past retention; ${vacuumed ? `vacuumed ${vacuumed} dead row versions` : 'no vacuum needed'}`),
    );
    let lanes = '';
    relay.on('lanes', ({ held }) => {
      if (held.join() !== lanes) this.logger.log(`now publishing lanes [${(lanes = held.join())}]`);
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.outbox.relay) return this.logger.log('OUTBOX_RELAY=off: not relaying');
    await this.relay.start();
    this.logger.log(`relaying the ${this.service} outbox`);
  }

  onApplicationShutdown(): Promise<void> {
    return this.relay.stop();
  }
}

/**
 * The transactional outbox of one producing service: {@link OutboxWriter} for its transactions, and
 * the relay that publishes what they wrote. The catalogue, codec and Kafka client are the
 * process's own, from the `PlatformModule`.
 */
@Module({})
export class OutboxModule {
  static forRoot(options: { service: ServiceName }): DynamicModule {
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
          provide: OutboxRelay,
          useFactory: (config: PlatformConfig, codec: EventCodec, kafka: Kafka) => {
            const { batchSize, pollIntervalMs, retentionMs } = config.outbox;
            return new OutboxRelay(
              {
                ...DEFAULT_RELAY_OPTIONS,
                databaseUrl: config.databases[options.service],
                batchSize: batchSize ?? DEFAULT_RELAY_OPTIONS.batchSize,
                pollIntervalMs: pollIntervalMs ?? DEFAULT_RELAY_OPTIONS.pollIntervalMs,
                retentionMs: retentionMs ?? DEFAULT_RELAY_OPTIONS.retentionMs,
              },
              createOrderedProducer(kafka),
              codec,
            );
          },
          inject: [PLATFORM_CONFIG, EventCodec, KAFKA_CLIENT],
        },
        OutboxRelayLifecycle,
      ],
      exports: [OutboxWriter],
    };
  }
}
