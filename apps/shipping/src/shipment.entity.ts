import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ShipmentScheduled } from '@ensemble/events';

@Entity({ name: 'shipments' })
export class Shipment {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'payment_id', type: 'uuid', unique: true })
  paymentId: string;

  @Column({ type: 'jsonb' })
  items: ShipmentScheduled['items'];

  @Column({ type: 'jsonb' })
  address: ShipmentScheduled['address'];

  @Column({ name: 'scheduled_for', type: 'timestamptz' })
  scheduledFor: Date;

  @Column({ type: 'text' })
  status: 'scheduled';
}
