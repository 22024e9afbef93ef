import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '@ensemble/database';
import { InvoiceIssued } from '@ensemble/events';

@Entity({ name: 'invoices' })
export class Invoice {
  @PrimaryColumn('uuid')
  id: string;

  /** `<year>-<six-digit sequence>`, gap-free within the year. */
  @Column({ type: 'text', unique: true })
  number: string;

  @Column({ name: 'payment_id', type: 'uuid', unique: true })
  paymentId: string;

  @Column({ name: 'customer_id', type: 'text' })
  customerId: string;

  @Column({ type: 'jsonb' })
  lines: InvoiceIssued['lines'];

  @Column({ name: 'total_minor', type: 'bigint', transformer: bigintAsNumber })
  totalMinor: number;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt: Date;
}
