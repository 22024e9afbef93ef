import { DynamicModule, Module } from '@nestjs/common';
import { PLATFORM_CONFIG, PlatformConfig } from '@ensemble/config';
import { EventCodec } from '@ensemble/event-codec';
import { EventCatalogue } from '@ensemble/events';
import { KAFKA_CLIENT } from '@ensemble/kafka';
import { createPlatformClients, PlatformClients } from './platform-clients';

const PLATFORM_CLIENTS = Symbol('PLATFORM_CLIENTS');

/**
 * The process's shared clients, injected wherever they are needed: {@link EventCatalogue},
 * {@link EventCodec} and the Kafka client (`KAFKA_CLIENT`), built once from the configuration the process
 * parsed at start-up (`PlatformConfigModule`).
 */
@Module({})
export class PlatformModule {
  static forRoot({ clientId }: { clientId: string }): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      providers: [
        { provide: PLATFORM_CLIENTS, inject: [PLATFORM_CONFIG], useFactory: (config: PlatformConfig) => createPlatformClients(config, clientId) },
        { provide: EventCatalogue, inject: [PLATFORM_CLIENTS], useFactory: (clients: PlatformClients) => clients.catalogue },
        { provide: EventCodec, inject: [PLATFORM_CLIENTS], useFactory: (clients: PlatformClients) => clients.codec },
        { provide: KAFKA_CLIENT, inject: [PLATFORM_CLIENTS], useFactory: (clients: PlatformClients) => clients.kafka },
      ],
      exports: [EventCatalogue, EventCodec, KAFKA_CLIENT],
    };
  }
}
