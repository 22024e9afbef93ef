import { EntityManager } from 'typeorm';
import { TransactionBuffer } from '@ensemble/event-consumer';
import { EmailSent } from '@ensemble/events';
import { Email } from './email.entity';
import { insertEmails } from './email-rows';

/** A replay transaction's sent emails, restored from their EmailSent announcements in one insert; nothing is sent. */
export class EmailsToRestore implements TransactionBuffer {
  private readonly emails: Email[] = [];

  add(sent: EmailSent): void {
    this.emails.push(
      Object.assign(new Email(), {
        id: sent.emailId,
        messageId: sent.messageId,
        kind: sent.kind,
        paymentId: sent.paymentId,
        causeEventId: sent.envelope.causationId,
        recipient: sent.recipient,
        subject: sent.subject,
        status: 'sent' as const,
        attempts: sent.attempts,
        queuedAt: new Date(sent.queuedAt),
        sentAt: new Date(sent.sentAt),
        failure: null,
      }),
    );
  }

  flush(manager: EntityManager): Promise<void> {
    return insertEmails(manager, this.emails);
  }
}
