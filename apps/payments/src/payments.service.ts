import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@ensemble/http';
import { EventOrigin, OutboxWriter } from '@ensemble/outbox';
import { IdempotencyRecord } from './idempotency-record.entity';
import { Payment } from './payment.entity';
import { PaymentRequest } from './payment-request';
import { requestFingerprint } from './request-fingerprint';

export interface RecordedPayment {
  payment: Payment;
  /** True when an earlier request with the same Idempotency-Key had already recorded it. */
  replayed: boolean;
}

@Injectable()
export class PaymentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * Records a completed payment and its PaymentCompleted event in one transaction, once per
   * Idempotency-Key. Claiming the key comes first: a concurrent request with the same key waits on
   * the claim until the first commits, then finds its payment instead of writing a second one.
   */
  recordPayment(request: PaymentRequest, key: string, origin: Omit<EventOrigin, 'causationId'>): Promise<RecordedPayment> {
    const fingerprint = requestFingerprint(request);
    const paymentId = randomUUID();
    return this.dataSource.transaction(async (manager) => {
      const claimed = await manager.query(
        `INSERT INTO idempotency_keys (key, request_fingerprint, payment_id) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO NOTHING RETURNING key`,
        [key, fingerprint, paymentId],
      );
      if (claimed.length === 0) {
        const earlier = await manager.findOneByOrFail(IdempotencyRecord, { key });
        if (earlier.requestFingerprint !== fingerprint) {
          throw new ApiError(
            HttpStatus.CONFLICT,
            'idempotency_key_reused',
            `Idempotency-Key "${key}" was already used for a different request; use a new key for a new payment`,
          );
        }
        return { payment: await manager.findOneByOrFail(Payment, { id: earlier.paymentId }), replayed: true };
      }

      const payment = manager.create(Payment, {
        id: paymentId,
        ...request,
        completedAt: new Date(),
        correlationId: origin.correlationId,
      });
      await manager.insert(Payment, payment);
      await this.outbox.append(
        manager,
        'PaymentCompleted',
        { type: 'Payment', id: payment.id },
        { paymentId: payment.id, ...request, completedAt: payment.completedAt.getTime() },
        origin,
      );
      return { payment, replayed: false };
    });
  }

  async findPayment(id: string): Promise<Payment> {
    const payment = await this.dataSource.manager.findOneBy(Payment, { id });
    if (!payment) throw new ApiError(HttpStatus.NOT_FOUND, 'payment_not_found', `No payment with id ${id}`);
    return payment;
  }
}
