import { Type } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PLATFORM_CONFIG, PlatformConfig, ServiceName } from '@ensemble/config';
import { loadEventCatalogue } from '@ensemble/events';
import { startHttpService } from '@ensemble/http';
import { loadConsumerSettings } from './consumer-settings';
import { EventTransport } from './event-transport';

/** Starts a service that reacts to events: its HTTP API, and its `@EventPattern` handlers fed by {@link EventTransport}. */
export function startConsumingService(service: ServiceName, module: Type) {
  return startHttpService(service, module, async (app) => {
    const settings = loadConsumerSettings();
    // inheritAppConfig: the app's global filter hands handler errors to the transport unchanged.
    app.connectMicroservice(
      {
        strategy: new EventTransport({
          service,
          config: app.get<PlatformConfig>(PLATFORM_CONFIG),
          catalogue: loadEventCatalogue(),
          dataSource: app.get(DataSource),
          settings,
        }),
      },
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices();
  });
}
