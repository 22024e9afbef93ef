import { Module } from '@nestjs/common';
import { PlatformConfigModule } from '@ensemble/config';
import { ServiceDatabaseModule } from '@ensemble/database';
import { HealthModule } from '@ensemble/health';
import { CreateProcessedEvents1763781000000, ProcessedEvent } from '@ensemble/inbox';
import { MetricsModule } from '@ensemble/metrics';
import { CreateOutbox1763780000000, OutboxEvent, OutboxModule } from '@ensemble/outbox';
import { CreateShipments1763792000000 } from './migrations/1763792000000-create-shipments';
import { Shipment } from './shipment.entity';
import { ShipmentsController } from './shipments.controller';

@Module({
  imports: [
    PlatformConfigModule.forRoot(),
    ServiceDatabaseModule.forRoot({
      service: 'shipping',
      entities: [Shipment, ProcessedEvent, OutboxEvent],
      migrations: [CreateOutbox1763780000000, CreateProcessedEvents1763781000000, CreateShipments1763792000000],
    }),
    OutboxModule.forRoot({ service: 'shipping' }),
    MetricsModule,
    HealthModule,
  ],
  controllers: [ShipmentsController],
})
export class ShippingModule {}
