import { Module } from '@nestjs/common';
import { PLATFORM_CONFIG, PlatformConfig, SERVICE_URLS } from '@ensemble/config';
import { Contract } from '@ensemble/contract';
import { EventCatalogue } from '@ensemble/events';
import { MetricsModule } from '@ensemble/metrics';
import { PlatformModule } from '@ensemble/platform';
import { ChoreographyFeed } from './choreography-feed';
import { ConsoleInstrumentation } from './console-instrumentation';
import { ContractController } from './contract.controller';
import { HealthController } from './health.controller';
import { LiveController } from './live.controller';
import { PaymentForwarding } from './payment-forwarding';
import { PlatformStatus } from './platform-status';
import { ServiceApi } from './service-api';
import { ServiceReplays } from './service-replays';

/**
 * The operator's console: the live view of the choreography at `GET /`, its event stream, the
 * platform's AsyncAPI document at `GET /asyncapi.json`, and the services it reaches on the page's
 * behalf. Unlike the services it has no database and reacts to no event: it reads Kafka's topics
 * and offsets and calls the services over HTTP. What its feed and sampler report becomes logs and
 * metrics (`GET /metrics`) through {@link ConsoleInstrumentation}.
 */
@Module({
  imports: [PlatformModule.forRoot({ clientId: 'console' }), MetricsModule],
  controllers: [LiveController, ContractController, HealthController],
  providers: [
    { provide: SERVICE_URLS, inject: [PLATFORM_CONFIG], useFactory: (config: PlatformConfig) => config.serviceUrls },
    { provide: Contract, inject: [EventCatalogue], useFactory: (catalogue: EventCatalogue) => Contract.load(catalogue) },
    ServiceApi,
    ChoreographyFeed,
    PlatformStatus,
    ConsoleInstrumentation,
    PaymentForwarding,
    ServiceReplays,
  ],
})
export class ConsoleModule {}
