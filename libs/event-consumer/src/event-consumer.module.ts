import { DynamicModule, Module } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { PLATFORM_CONFIG, PlatformConfig, ServiceName } from '@ensemble/config';
import { EventCodec } from '@ensemble/event-codec';
import { EventCatalogue } from '@ensemble/events';
import { KAFKA_CLIENT } from '@ensemble/kafka';
import { MetricsModule } from '@ensemble/metrics';
import { EventTransport } from './event-transport';
import { EventTransportInstrumentation } from './event-transport-instrumentation';

/**
 * The service's {@link EventTransport} as a provider: started by `startConsumingService`, and
 * available to what else drives the same handlers (a replay). Its clients come from the
 * `PlatformModule`, its settings from the configuration parsed at start-up; what it reports becomes
 * logs and metrics through {@link EventTransportInstrumentation}.
 */
@Module({})
export class EventConsumerModule {
  static forRoot({ service }: { service: ServiceName }): DynamicModule {
    return {
      module: EventConsumerModule,
      global: true,
      imports: [MetricsModule],
      providers: [
        {
          provide: EventTransport,
          inject: [PLATFORM_CONFIG, EventCatalogue, EventCodec, KAFKA_CLIENT, DataSource],
          useFactory: (config: PlatformConfig, catalogue: EventCatalogue, codec: EventCodec, kafka: Kafka, dataSource: DataSource) =>
            new EventTransport({ service, catalogue, codec, kafka, dataSource, settings: config.consumer }),
        },
        EventTransportInstrumentation,
      ],
      exports: [EventTransport],
    };
  }
}
