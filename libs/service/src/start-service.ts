import { Type } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { consumes, ServiceName } from '@ensemble/config';
import { startConsumingService } from '@ensemble/event-consumer';
import { startHttpService } from '@ensemble/http';

/** Starts a service's process as its row in `SERVICES` says: its HTTP API, and its consumer when it consumes. */
export function startService(service: ServiceName, module: Type): Promise<NestExpressApplication> {
  return consumes(service) ? startConsumingService(service, module) : startHttpService(service, module);
}
