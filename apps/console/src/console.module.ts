import { Module } from '@nestjs/common';
import { loadServiceUrls, SERVICE_URLS } from '@ensemble/config';
import { ChoreographyFeed } from './choreography-feed';
import { LiveController } from './live.controller';
import { PaymentForwarding } from './payment-forwarding';
import { PlatformStatus } from './platform-status';
import { ReplayForwarding } from './replay-forwarding';
import { ServiceApi } from './service-api';

/** The live view of the choreography at `GET /`: the page, its event stream, and the services it reaches on the page's behalf. */
@Module({
  controllers: [LiveController],
  providers: [{ provide: SERVICE_URLS, useFactory: () => loadServiceUrls() }, ServiceApi, ChoreographyFeed, PlatformStatus, PaymentForwarding, ReplayForwarding],
})
export class LiveModule {}
