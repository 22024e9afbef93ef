import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PLATFORM_CONFIG, PlatformConfig, ServiceName } from '@ensemble/config';
import { loadEventCatalogue } from '@ensemble/events';
import { MetricsModule } from '@ensemble/metrics';
import { loadConsumerSettings } from './consumer-settings';
import { EventTransport } from './event-transport';
import { EventTransportInstrumentation } from './event-transport-instrumentation';

/**
 * The service's {@link EventTransport} as a provider: started by `startConsumingService`, and
 * available to what else drives the same handlers (a replay); what it reports becomes logs and
 * metrics through {@link EventTransportInstrumentation}.
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
          inject: [PLATFORM_CONFIG, DataSource],
          useFactory: (config: PlatformConfig, dataSource: DataSource) =>
            new EventTransport({ service, config, catalogue: loadEventCatalogue(), dataSource, settings: loadConsumerSettings() }),
        },
        EventTransportInstrumentation,
      ],
      exports: [EventTransport],
    };
  }
}
