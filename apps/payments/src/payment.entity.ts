import { Column, Entity, PrimaryColumn, ValueTransformer } from 'typeorm';
import { PaymentCompleted } from '@ensemble/events';

/** PostgreSQL returns bigint as a string; amounts in minor units stay far below 2^53. */
const bigintAsNumber: ValueTransformer = { to: (value: number) => value, from: (value: string) => Number(value) };

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
