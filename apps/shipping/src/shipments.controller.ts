import { Controller, Get, Query } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { EventContext } from '@ensemble/event-consumer';
import { PaymentCompleted } from '@ensemble/events';
import { ZodValidationPipe } from '@ensemble/http';
import { OutboxWriter } from '@ensemble/outbox';
import { Shipment } from './shipment.entity';
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

  @Get('shipments')
  findByPayment(@Query('paymentId', new ZodValidationPipe(z.uuid('must be a payment id (UUID)'), 'query paymentId')) paymentId: string) {
    return this.dataSource.manager.findBy(Shipment, { paymentId });
  }
}
