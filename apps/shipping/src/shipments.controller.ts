import { Controller, Get, Query } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { EventContext, RebuildFrom } from '@ensemble/event-consumer';
import { PaymentCompleted, ShipmentScheduled } from '@ensemble/events';
import { ZodValidationPipe } from '@ensemble/http';
import { OutboxWriter } from '@ensemble/outbox';
import { Shipment } from './shipment.entity';
import { ShipmentsToRestore } from './shipments-to-restore';
import { ShipmentsToSchedule } from './shipments-to-schedule';

@Controller()
export class ShipmentsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  /** Schedules a shipment of the paid items to the payment's address, and announces it. */
  @EventPattern('PaymentCompleted')
  scheduleShipment(@Payload() payment: PaymentCompleted, @Ctx() context: EventContext): void {
    context.buffer('shipments', () => new ShipmentsToSchedule(this.outbox)).add(payment, context.followingFrom(payment));
  }

  /** A replay rebuilds the shipments from their announcements: the same ids and dates, and nothing scheduled or announced twice. */
  @RebuildFrom('ShipmentScheduled')
  restoreShipment(@Payload() scheduled: ShipmentScheduled, @Ctx() context: EventContext): void {
    context.buffer('restored-shipments', () => new ShipmentsToRestore()).add(scheduled);
  }

  @Get('shipments')
  findByPayment(@Query('paymentId', new ZodValidationPipe(z.uuid('must be a payment id (UUID)'), 'query paymentId')) paymentId: string) {
    return this.dataSource.manager.findBy(Shipment, { paymentId });
  }
}
