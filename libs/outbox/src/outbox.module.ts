import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { parseEnvironment, PLATFORM_CONFIG, PlatformConfig, ServiceName } from '@ensemble/config';
import { EventCodec } from '@ensemble/event-codec';
import { EventCatalogue, loadEventCatalogue } from '@ensemble/events';
import { createKafka, createOrderedProducer } from '@ensemble/kafka';
import { MetricsModule } from '@ensemble/metrics';
import { measureOutboxBacklog } from './outbox-backlog';
import { DEFAULT_RELAY_OPTIONS, OutboxRelay } from './outbox-relay';
import { OutboxWriter } from './outbox-writer';

const OUTBOX_SERVICE = Symbol('OUTBOX_SERVICE');

/** Relay settings from the environment; OUTBOX_RELAY=off runs a service without its relay (e.g. when relays run elsewhere). */
function relaySettings() {
  return parseEnvironment({
    OUTBOX_RELAY: z.enum(['on', 'off']).default('on'),
    OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(DEFAULT_RELAY_OPTIONS.batchSize),
    OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(DEFAULT_RELAY_OPTIONS.pollIntervalMs),
    OUTBOX_RETENTION_HOURS: z.coerce.number().min(0).default(DEFAULT_RELAY_OPTIONS.retentionMs / 3_600_000),
  });
}

/** Starts the relay with the application, stops it last on shutdown, and turns its events into logs and metrics. */
@Injectable()
class OutboxRelayLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('outbox-relay');

  constructor(
    private readonly relay: OutboxRelay,
    @Inject(OUTBOX_SERVICE) private readonly service: ServiceName,
    registry: Registry,
    dataSource: DataSource,
  ) {
    const published = new Counter({ name: 'ensemble_outbox_published_total', help: 'Outbox rows published to Kafka', registers: [registry] });
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
    relay.on('published', ({ count }) => published.inc(count));
    relay.on('parked', ({ id, aggregateId, eventType, reason }) =>
      this.logger.error(`parked ${eventType} ${id} of ${aggregateId}; its later events wait behind it (npm run outbox -- list|retry ${this.service}): ${reason}`),
    );
    relay.on('failed', ({ error, attempt, retryInMs }) =>
      this.logger.warn(`attempt ${attempt} failed, retrying in ${retryInMs} ms: ${error.message}`),
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
    if (relaySettings().OUTBOX_RELAY === 'off') return this.logger.log('OUTBOX_RELAY=off: not relaying');
    await this.relay.start();
    this.logger.log(`relaying the ${this.service} outbox`);
  }

  onApplicationShutdown(): Promise<void> {
    return this.relay.stop();
  }
}

/**
 * The transactional outbox of one producing service: {@link OutboxWriter} for its transactions, and
 * the relay that publishes what they wrote.
 */
@Module({})
export class OutboxModule {
  static forRoot(options: { service: ServiceName }): DynamicModule {
    return {
      module: OutboxModule,
      imports: [MetricsModule],
      providers: [
        { provide: OUTBOX_SERVICE, useValue: options.service },
        { provide: EventCatalogue, useFactory: () => loadEventCatalogue() },
        {
          provide: EventCodec,
          useFactory: (config: PlatformConfig, catalogue: EventCatalogue) => EventCodec.forRegistry(config.schemaRegistry.url, catalogue),
          inject: [PLATFORM_CONFIG, EventCatalogue],
        },
        {
          provide: OutboxWriter,
          useFactory: (catalogue: EventCatalogue, codec: EventCodec) => new OutboxWriter(options.service, catalogue, codec),
          inject: [EventCatalogue, EventCodec],
        },
        {
          provide: OutboxRelay,
          useFactory: (config: PlatformConfig, codec: EventCodec) => {
            const settings = relaySettings();
            const producer = createOrderedProducer(createKafka(config, `${options.service}-outbox-relay`));
            return new OutboxRelay(
              {
                ...DEFAULT_RELAY_OPTIONS,
                databaseUrl: config.databases[options.service],
                batchSize: settings.OUTBOX_BATCH_SIZE,
                pollIntervalMs: settings.OUTBOX_POLL_INTERVAL_MS,
                retentionMs: settings.OUTBOX_RETENTION_HOURS * 3_600_000,
              },
              producer,
              codec,
            );
          },
          inject: [PLATFORM_CONFIG, EventCodec],
        },
        OutboxRelayLifecycle,
      ],
      exports: [OutboxWriter, EventCatalogue],
    };
  }
}
