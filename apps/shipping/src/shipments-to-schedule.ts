import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { TransactionBuffer } from '@ensemble/event-consumer';
import { EventOrigin, PaymentCompleted } from '@ensemble/events';
import { OutboxWriter } from '@ensemble/outbox';
import { dispatchTime } from './dispatch-time';
import { insertShipments } from './shipment-rows';
import { Shipment } from './shipment.entity';

/** A transaction's shipments, scheduled together: one insert of the shipments and one of their ShipmentScheduled events. */
export class ShipmentsToSchedule implements TransactionBuffer {
  private readonly shipments: Array<{ shipment: Shipment; customerEmail: string; origin: EventOrigin }> = [];

  constructor(private readonly outbox: OutboxWriter) {}

  add(payment: PaymentCompleted, origin: EventOrigin): void {
    const shipment = Object.assign(new Shipment(), {
      id: randomUUID(),
      paymentId: payment.paymentId,
      items: payment.items.map(({ sku, quantity }) => ({ sku, quantity })),
      address: payment.shippingAddress,
      scheduledFor: new Date(dispatchTime(payment.completedAt)),
      status: 'scheduled' as const,
    });
    this.shipments.push({ shipment, customerEmail: payment.customerEmail, origin });
  }

  async flush(manager: EntityManager): Promise<void> {
    await insertShipments(manager, this.shipments.map(({ shipment }) => shipment));
    await this.outbox.appendAll(
      manager,
      'ShipmentScheduled',
      this.shipments.map(({ shipment, customerEmail, origin }) => ({
        aggregate: { type: 'Shipment', id: shipment.id },
        facts: {
          shipmentId: shipment.id,
          paymentId: shipment.paymentId,
          items: shipment.items,
          address: shipment.address,
          scheduledFor: shipment.scheduledFor.getTime(),
          customerEmail,
        },
        origin,
      })),
    );
  }
}
