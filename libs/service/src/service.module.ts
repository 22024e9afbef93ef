import { DynamicModule, Module, ModuleMetadata, Provider, Type } from '@nestjs/common';
import { MigrationInterface } from 'typeorm';
import { consumes, ServiceName, SERVICES, workQueueOf } from '@ensemble/config';
import { ServiceDatabaseModule } from '@ensemble/database';
import { CONSUMER_MIGRATIONS, EventConsumerModule } from '@ensemble/event-consumer';
import { HealthModule } from '@ensemble/health';
import { ProcessedEvent } from '@ensemble/inbox';
import { MetricsModule } from '@ensemble/metrics';
import { OUTBOX_MIGRATIONS, OutboxEvent, OutboxModule } from '@ensemble/outbox';
import { PlatformModule } from '@ensemble/platform';
import { OpenWork, ReplayModule, ReplayWindow } from '@ensemble/replay';

export interface ServiceOptions {
  service: ServiceName;
  /** The service's own entities; the inbox's and the outbox's come with what its declaration says it does. */
  entities: Array<Type<unknown>>;
  /** The migrations of the service's own tables, in order: in a consuming service, its projection, which a replay rebuilds. */
  migrations: Array<Type<MigrationInterface>>;
  /** How the projection keeps what precedes a window; without it, a replay rebuilds only the whole history. */
  window?: ReplayWindow;
  /** What a rebuild from the service's announcements carries over from the live projection (see OpenWork). */
  openWork?: OpenWork;
  controllers?: Array<Type<unknown>>;
  providers?: Provider[];
  imports?: ModuleMetadata['imports'];
}

/**
 * A service of the platform, composed from its row in `SERVICES`: the shared clients, its database,
 * metrics and health for every service; the outbox for one that produces; the consumer and its
 * replays for one that consumes. The service adds only its own entities, migrations, controllers
 * and providers.
 */
@Module({})
export class ServiceModule {
  static forService({ service, entities, migrations, window, openWork, controllers = [], providers = [], imports = [] }: ServiceOptions): DynamicModule {
    const { produces } = SERVICES[service];
    const consuming = consumes(service);
    return {
      module: ServiceModule,
      imports: [
        PlatformModule.forRoot({ clientId: service }),
        ServiceDatabaseModule.forRoot({
          service,
          entities: [...entities, ...(consuming ? [ProcessedEvent] : []), ...(produces ? [OutboxEvent] : [])],
          migrations: [...(produces ? OUTBOX_MIGRATIONS : []), ...(consuming ? CONSUMER_MIGRATIONS : []), ...migrations],
        }),
        ...(produces ? [OutboxModule.forRoot({ service, workQueue: workQueueOf(service) })] : []),
        ...(consuming ? [EventConsumerModule.forRoot({ service }), ReplayModule.forRoot({ service, projection: migrations, window, openWork })] : []),
        MetricsModule,
        HealthModule,
        ...imports,
      ],
      controllers,
      providers,
    };
  }
}
