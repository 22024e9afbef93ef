import { randomUUID } from 'node:crypto';
import { Controller, Get, Query } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { EventContext } from '@ensemble/event-consumer';
import { PaymentCompleted } from '@ensemble/events';
import { ZodValidationPipe } from '@ensemble/http';
import { OutboxWriter } from '@ensemble/outbox';
import { dispatchTime } from './dispatch-time';
import { Shipment } from './shipment.entity';

@Controller()
export class ShipmentsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  /** Schedules a shipment of the paid items to the payment's address, and announces it. */
  @EventPattern('PaymentCompleted')
  async scheduleShipment(@Payload() payment: PaymentCompleted, @Ctx() context: EventContext): Promise<void> {
    const { manager } = context;
    const shipment = manager.create(Shipment, {
      id: randomUUID(),
      paymentId: payment.paymentId,
      items: payment.items.map(({ sku, quantity }) => ({ sku, quantity })),
      address: payment.shippingAddress,
      scheduledFor: new Date(dispatchTime(payment.completedAt)),
      status: 'scheduled',
    });
    await manager.insert(Shipment, shipment);
    await this.outbox.append(
      manager,
      'ShipmentScheduled',
      { type: 'Shipment', id: shipment.id },
      {
        shipmentId: shipment.id,
        paymentId: shipment.paymentId,
        items: shipment.items,
        address: shipment.address,
        scheduledFor: shipment.scheduledFor.getTime(),
      },
      context.followingFrom(payment),
    );
  }

  @Get('shipments')
  findByPayment(@Query('paymentId', new ZodValidationPipe(z.uuid('must be a payment id (UUID)'), 'query paymentId')) paymentId: string) {
    return this.dataSource.manager.findBy(Shipment, { paymentId });
  }
}
