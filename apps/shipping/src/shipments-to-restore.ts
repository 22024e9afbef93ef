import { EntityManager } from 'typeorm';
import { TransactionBuffer } from '@ensemble/event-consumer';
import { ShipmentScheduled } from '@ensemble/events';
import { insertShipments } from './shipment-rows';
import { Shipment } from './shipment.entity';

/** A replay transaction's shipments, restored from their ShipmentScheduled announcements in one insert. */
export class ShipmentsToRestore implements TransactionBuffer {
  private readonly shipments: Shipment[] = [];

  add(scheduled: ShipmentScheduled): void {
    this.shipments.push(
      Object.assign(new Shipment(), {
        id: scheduled.shipmentId,
        paymentId: scheduled.paymentId,
        items: scheduled.items,
        address: scheduled.address,
        scheduledFor: new Date(scheduled.scheduledFor),
        status: 'scheduled' as const,
      }),
    );
  }

  flush(manager: EntityManager): Promise<void> {
    return insertShipments(manager, this.shipments);
  }
}
