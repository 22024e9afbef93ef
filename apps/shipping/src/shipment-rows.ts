import { EntityManager } from 'typeorm';
import { preparedQuery } from '@ensemble/database';
import { Shipment } from './shipment.entity';

/** Inserts shipments in one statement, whether scheduled now or restored from their announcements by a replay. */
export async function insertShipments(manager: EntityManager, shipments: Shipment[]): Promise<void> {
  if (shipments.length === 0) return;
  await preparedQuery(
    manager,
    'shipping-insert',
    `INSERT INTO shipments (id, payment_id, items, address, scheduled_for, status)
     SELECT id, payment_id, items, address, scheduled_for, status
       FROM jsonb_to_recordset($1::jsonb) AS row (id uuid, payment_id uuid, items jsonb, address jsonb, scheduled_for timestamptz, status text)`,
    [
      JSON.stringify(
        shipments.map((shipment) => ({
          id: shipment.id,
          payment_id: shipment.paymentId,
          items: shipment.items,
          address: shipment.address,
          scheduled_for: shipment.scheduledFor,
          status: shipment.status,
        })),
      ),
    ],
  );
}
