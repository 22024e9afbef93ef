import { Module } from '@nestjs/common';
import { ServiceModule } from '@ensemble/service';
import { CustomerLifetimeValue } from './customer-lifetime-value.entity';
import { CustomerProfile } from './customer-profile.entity';
import { CustomersController } from './customers.controller';
import { CreateCustomerProfiles1763793000000 } from './migrations/1763793000000-create-customer-profiles';

@Module({
  imports: [
    ServiceModule.forService({
      service: 'crm',
      entities: [CustomerProfile, CustomerLifetimeValue],
      migrations: [CreateCustomerProfiles1763793000000],
      controllers: [CustomersController],
    }),
  ],
})
export class CrmModule {}
