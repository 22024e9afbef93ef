import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per Idempotency-Key, written in the same transaction as the payment it produced: a repeat
 * of the same request finds it and answers with that payment; a different request under the same
 * key is refused.
 */
@Entity({ name: 'idempotency_keys' })
export class IdempotencyRecord {
  @PrimaryColumn('text')
  key: string;

  /** SHA-256 of the request body in canonical JSON. */
  @Column({ name: 'request_fingerprint', type: 'text' })
  requestFingerprint: string;

  @Column({ name: 'payment_id', type: 'uuid' })
  paymentId: string;

  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  createdAt: Date;
}
