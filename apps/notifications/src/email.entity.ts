import { Column, Entity, PrimaryColumn } from 'typeorm';
import { EmailSent } from '@ensemble/events';

export type EmailKind = EmailSent['kind'];

/**
 * Where an email stands: its job is on the queue (`queued`, retried with backoff after a failure of
 * its own), the mail server accepted it (`sent`), it failed every attempt (`dead-lettered`, until
 * `npm run dlq -- redrive notifications`), or its event named nobody to send it to (`no-recipient`:
 * records written before events carried the customer's email).
 */
export type EmailStatus = 'queued' | 'sent' | 'dead-lettered' | 'no-recipient';

/** An email the notifications service owes a customer for an event, one per event. */
@Entity({ name: 'emails' })
export class Email {
  @PrimaryColumn('uuid')
  id: string;

  /** The Message-ID header, derived from the cause: every delivery of this email carries it. */
  @Column({ name: 'message_id', type: 'text', unique: true })
  messageId: string;

  @Column({ type: 'text' })
  kind: EmailKind;

  @Column({ name: 'payment_id', type: 'uuid' })
  paymentId: string;

  /** The event it answers (InvoiceIssued, ShipmentScheduled): its announcement names it as its cause. */
  @Column({ name: 'cause_event_id', type: 'uuid', unique: true })
  causeEventId: string;

  @Column({ type: 'text', nullable: true })
  recipient: string | null;

  @Column({ type: 'text' })
  subject: string;

  @Column({ type: 'text' })
  status: EmailStatus;

  /** Attempts made: failed ones while queued, the one that went through once sent. */
  @Column({ type: 'int' })
  attempts: number;

  @Column({ name: 'queued_at', type: 'timestamptz' })
  queuedAt: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  /** Why the last attempt failed, until one goes through. */
  @Column({ type: 'text', nullable: true })
  failure: string | null;
}
