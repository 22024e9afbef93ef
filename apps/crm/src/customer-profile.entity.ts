import { Column, Entity, OneToMany, PrimaryColumn } from 'typeorm';
import { CustomerLifetimeValue } from './customer-lifetime-value.entity';

@Entity({ name: 'customer_profiles' })
export class CustomerProfile {
  @PrimaryColumn({ name: 'customer_id', type: 'text' })
  customerId: string;

  @Column({ type: 'text' })
  email: string;

  @Column({ name: 'payment_count', type: 'int' })
  paymentCount: number;

  @Column({ name: 'first_payment_at', type: 'timestamptz' })
  firstPaymentAt: Date;

  @Column({ name: 'last_payment_at', type: 'timestamptz' })
  lastPaymentAt: Date;

  @OneToMany(() => CustomerLifetimeValue, (value) => value.profile)
  lifetimeValues: CustomerLifetimeValue[];
}
