import { Module } from '@nestjs/common';
import { PlatformConfigModule } from '@ensemble/config';
import { ServiceDatabaseModule } from '@ensemble/database';
import { HealthModule } from '@ensemble/health';
import { ProcessedEvent } from '@ensemble/inbox';
import { CONSUMER_MIGRATIONS, EventConsumerModule } from '@ensemble/event-consumer';
import { MetricsModule } from '@ensemble/metrics';
import { ReplayModule } from '@ensemble/replay';
import { CustomerLifetimeValue } from './customer-lifetime-value.entity';
import { CustomerProfile } from './customer-profile.entity';
import { CustomersController } from './customers.controller';
import { CreateCustomerProfiles1763793000000 } from './migrations/1763793000000-create-customer-profiles';

@Module({
  imports: [
    PlatformConfigModule.forRoot(),
    ServiceDatabaseModule.forRoot({
      service: 'crm',
      entities: [CustomerProfile, CustomerLifetimeValue, ProcessedEvent],
      migrations: [...CONSUMER_MIGRATIONS, CreateCustomerProfiles1763793000000],
    }),
    EventConsumerModule.forRoot({ service: 'crm' }),
    ReplayModule.forRoot({ service: 'crm', projection: [CreateCustomerProfiles1763793000000] }),
    MetricsModule,
    HealthModule,
  ],
  controllers: [CustomersController],
})
export class CrmModule {}
