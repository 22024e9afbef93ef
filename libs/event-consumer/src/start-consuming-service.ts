import { Type } from '@nestjs/common';
import { ServiceName } from '@ensemble/config';
import { startHttpService } from '@ensemble/http';
import { EventTransport } from './event-transport';

/**
 * Starts a service that reacts to events: its HTTP API, and its `@EventPattern` handlers fed by the
 * {@link EventTransport} its module provides through `EventConsumerModule`.
 */
export function startConsumingService(service: ServiceName, module: Type) {
  return startHttpService(service, module, async (app) => {
    // inheritAppConfig: the app's global filter hands handler errors to the transport unchanged.
    app.connectMicroservice({ strategy: app.get(EventTransport) }, { inheritAppConfig: true });
    await app.startAllMicroservices();
  });
}
