import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '@ensemble/database';
import { CustomerProfile } from './customer-profile.entity';

/** What a customer has paid in one currency; amounts in different currencies are never added up. */
@Entity({ name: 'customer_lifetime_values' })
export class CustomerLifetimeValue {
  @PrimaryColumn({ name: 'customer_id', type: 'text' })
  customerId: string;

  @PrimaryColumn({ type: 'char', length: 3 })
  currency: string;

  @Column({ name: 'amount_minor', type: 'bigint', transformer: bigintAsNumber })
  amountMinor: number;

  @ManyToOne(() => CustomerProfile, (profile) => profile.lifetimeValues)
  @JoinColumn({ name: 'customer_id' })
  profile: CustomerProfile;
}
