import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { preparedQuery } from '@ensemble/database';
import { EventNotEncodableError } from '@ensemble/event-codec';
import { EventOrigin } from '@ensemble/events';
import { EventTooLargeError, insertIntoOutbox, OutboxWriter } from '@ensemble/outbox';
import { IdempotencyRecord } from './idempotency-record.entity';
import { Payment } from './payment.entity';
import { IdempotencyKeyReused, PaymentEventTooLarge, PaymentNotAnnounceable, PaymentNotFound, RegistryUnavailable } from './payment-errors';
import { PaymentRequest } from './payment-request';
import { requestFingerprint } from './request-fingerprint';

export interface RecordedPayment {
  payment: Payment;
  /** True when an earlier request with the same Idempotency-Key had already recorded it. */
  replayed: boolean;
}

@Injectable()
export class PaymentsService {
  private readonly logger = new Logger('payments');

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * Records a completed payment and its PaymentCompleted event atomically, once per Idempotency-Key,
   * in one statement: claiming the key, the payment and the outbox row are its parts, and the payment
   * and the event are written only if the claim was. A concurrent request with the same key waits on
   * the claim until the first commits, then finds its payment instead of writing a second one.
   */
  async recordPayment(request: PaymentRequest, key: string, origin: Omit<EventOrigin, 'causationId'>): Promise<RecordedPayment> {
    const fingerprint = requestFingerprint(request);
    const payment: Payment = { id: randomUUID(), ...request, completedAt: new Date(), correlationId: origin.correlationId };
    const event = await this.announcement(payment, request, origin);
    const recorded = await preparedQuery(
      this.dataSource,
      'payments-record',
      `WITH claim AS (
         INSERT INTO idempotency_keys (key, request_fingerprint, payment_id) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO NOTHING RETURNING payment_id
       ), payment AS (
         INSERT INTO payments (id, customer_id, customer_email, amount_minor, currency, items, shipping_address, completed_at, correlation_id)
         SELECT payment_id, $4, $5, $6, $7, $8, $9, $10, $11 FROM claim RETURNING id
       ), announced AS (${insertIntoOutbox('$12', 'payment')})
       SELECT id FROM payment`,
      [
        key,
        fingerprint,
        payment.id,
        payment.customerId,
        payment.customerEmail,
        payment.amountMinor,
        payment.currency,
        JSON.stringify(payment.items),
        JSON.stringify(payment.shippingAddress),
        payment.completedAt,
        payment.correlationId,
        event,
      ],
    );
    if (recorded.length === 1) return { payment, replayed: false };

    const earlier = await this.dataSource.manager.findOneByOrFail(IdempotencyRecord, { key });
    if (earlier.requestFingerprint !== fingerprint) throw new IdempotencyKeyReused(key);
    return { payment: await this.findPayment(earlier.paymentId), replayed: true };
  }

  /**
   * The payment's PaymentCompleted as an outbox row, encoded against its registered schema first: a
   * payment whose event could not be published is refused before anything is written.
   */
  private async announcement(payment: Payment, request: PaymentRequest, origin: Omit<EventOrigin, 'causationId'>): Promise<string> {
    try {
      const { rows } = await this.outbox.prepare('PaymentCompleted', [
        {
          aggregate: { type: 'Payment', id: payment.id },
          facts: { paymentId: payment.id, ...request, completedAt: payment.completedAt.getTime() },
          origin,
        },
      ]);
      return rows;
    } catch (error) {
      if (error instanceof EventNotEncodableError) throw new PaymentNotAnnounceable(error.fields);
      if (error instanceof EventTooLargeError) throw new PaymentEventTooLarge(error.message);
      this.logger.warn({ err: error }, 'refused a payment with 503: its event could not be checked against the schema registry');
      throw new RegistryUnavailable();
    }
  }

  async findPayment(id: string): Promise<Payment> {
    const payment = await this.dataSource.manager.findOneBy(Payment, { id });
    if (!payment) throw new PaymentNotFound(id);
    return payment;
  }
}
