import { Module } from '@nestjs/common';
import { PlatformConfigModule } from '@ensemble/config';
import { ServiceDatabaseModule } from '@ensemble/database';
import { HealthModule } from '@ensemble/health';
import { ProcessedEvent } from '@ensemble/inbox';
import { CONSUMER_MIGRATIONS, EventConsumerModule } from '@ensemble/event-consumer';
import { MetricsModule } from '@ensemble/metrics';
import { ReplayModule } from '@ensemble/replay';
import { OUTBOX_MIGRATIONS, OutboxEvent, OutboxModule } from '@ensemble/outbox';
import { CreateShipments1763792000000 } from './migrations/1763792000000-create-shipments';
import { Shipment } from './shipment.entity';
import { ShipmentsController } from './shipments.controller';

@Module({
  imports: [
    PlatformConfigModule.forRoot(),
    ServiceDatabaseModule.forRoot({
      service: 'shipping',
      entities: [Shipment, ProcessedEvent, OutboxEvent],
      migrations: [...OUTBOX_MIGRATIONS, ...CONSUMER_MIGRATIONS, CreateShipments1763792000000],
    }),
    OutboxModule.forRoot({ service: 'shipping' }),
    EventConsumerModule.forRoot({ service: 'shipping' }),
    ReplayModule.forRoot({ service: 'shipping', projection: [CreateShipments1763792000000] }),
    MetricsModule,
    HealthModule,
  ],
  controllers: [ShipmentsController],
})
export class ShippingModule {}
