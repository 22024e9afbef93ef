import { Module } from '@nestjs/common';
import { ServiceModule } from '@ensemble/service';
import { CreateShipments1763792000000 } from './migrations/1763792000000-create-shipments';
import { Shipment } from './shipment.entity';
import { ShipmentsController } from './shipments.controller';

@Module({
  imports: [
    ServiceModule.forService({
      service: 'shipping',
      entities: [Shipment],
      migrations: [CreateShipments1763792000000],
      controllers: [ShipmentsController],
    }),
  ],
})
export class ShippingModule {}
