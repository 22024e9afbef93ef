import { EntityManager } from 'typeorm';
import { preparedQuery } from '@ensemble/database';
import { TransactionBuffer } from '@ensemble/event-consumer';
import { PaymentCompleted } from '@ensemble/events';

interface ProfileChange {
  customerId: string;
  email: string;
  payments: number;
  first: number;
  last: number;
  lifetimeMinor: Map<string, number>;
}

/** A transaction's payments folded per customer, written in two upserts in customer order. */
export class ProfileChanges implements TransactionBuffer {
  private readonly changes = new Map<string, ProfileChange>();

  add(payment: PaymentCompleted): void {
    const change = this.changes.get(payment.customerId) ?? {
      customerId: payment.customerId,
      email: payment.customerEmail,
      payments: 0,
      first: payment.completedAt,
      last: payment.completedAt,
      lifetimeMinor: new Map<string, number>(),
    };
    change.payments += 1;
    if (payment.completedAt >= change.last) change.email = payment.customerEmail;
    change.first = Math.min(change.first, payment.completedAt);
    change.last = Math.max(change.last, payment.completedAt);
    change.lifetimeMinor.set(payment.currency, (change.lifetimeMinor.get(payment.currency) ?? 0) + payment.amountMinor);
    this.changes.set(payment.customerId, change);
  }

  async flush(manager: EntityManager): Promise<void> {
    const profiles = [...this.changes.values()].sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
    if (profiles.length === 0) return;
    // The email kept is the one of the latest payment, whichever transaction saw it.
    await preparedQuery(
      manager,
      'crm-upsert-profiles',
      `INSERT INTO customer_profiles AS profile (customer_id, email, payment_count, first_payment_at, last_payment_at)
       SELECT customer_id, email, payments, to_timestamp(first / 1000.0), to_timestamp(last / 1000.0)
         FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[], $5::bigint[]) AS t(customer_id, email, payments, first, last)
       ON CONFLICT (customer_id) DO UPDATE SET
         payment_count = profile.payment_count + EXCLUDED.payment_count,
         email = CASE WHEN EXCLUDED.last_payment_at >= profile.last_payment_at THEN EXCLUDED.email ELSE profile.email END,
         first_payment_at = LEAST(profile.first_payment_at, EXCLUDED.first_payment_at),
         last_payment_at = GREATEST(profile.last_payment_at, EXCLUDED.last_payment_at)`,
      [profiles.map((p) => p.customerId), profiles.map((p) => p.email), profiles.map((p) => p.payments), profiles.map((p) => p.first), profiles.map((p) => p.last)],
    );
    const values = profiles.flatMap((profile) =>
      [...profile.lifetimeMinor].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => ({ customerId: profile.customerId, currency, amount })),
    );
    await preparedQuery(
      manager,
      'crm-upsert-lifetime-values',
      `INSERT INTO customer_lifetime_values AS value (customer_id, currency, amount_minor)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
       ON CONFLICT (customer_id, currency) DO UPDATE SET amount_minor = value.amount_minor + EXCLUDED.amount_minor`,
      [values.map((v) => v.customerId), values.map((v) => v.currency), values.map((v) => v.amount)],
    );
  }
}
