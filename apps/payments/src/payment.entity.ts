import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '@ensemble/database';
import { PaymentCompleted } from '@ensemble/events';

/** A completed payment: recorded once, never changed. */
@Entity({ name: 'payments' })
export class Payment {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'customer_id', type: 'text' })
  customerId: string;

  @Column({ name: 'customer_email', type: 'text' })
  customerEmail: string;

  @Column({ name: 'amount_minor', type: 'bigint', transformer: bigintAsNumber })
  amountMinor: number;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ type: 'jsonb' })
  items: PaymentCompleted['items'];

  @Column({ name: 'shipping_address', type: 'jsonb' })
  shippingAddress: PaymentCompleted['shippingAddress'];

  @Column({ name: 'completed_at', type: 'timestamptz' })
  completedAt: Date;

  @Column({ name: 'correlation_id', type: 'text' })
  correlationId: string;
}
