import { EntityManager } from 'typeorm';
import { preparedQuery } from '@ensemble/database';
import { Email } from './email.entity';

/**
 * Inserts emails in one statement, whether queued now or restored from their announcements by a
 * replay. A restored email already carried over as open work becomes what its announcement says.
 */
export async function insertEmails(manager: EntityManager, emails: Email[]): Promise<void> {
  if (emails.length === 0) return;
  await preparedQuery(
    manager,
    'notifications-insert-emails',
    `INSERT INTO emails (id, message_id, kind, payment_id, cause_event_id, recipient, subject, status, attempts, queued_at, sent_at, failure)
     SELECT id, message_id, kind, payment_id, cause_event_id, recipient, subject, status, attempts, queued_at, sent_at, failure
       FROM jsonb_to_recordset($1::jsonb) AS row (id uuid, message_id text, kind text, payment_id uuid, cause_event_id uuid, recipient text,
                                                  subject text, status text, attempts int, queued_at timestamptz, sent_at timestamptz, failure text)
     ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, attempts = EXCLUDED.attempts, sent_at = EXCLUDED.sent_at, failure = EXCLUDED.failure`,
    [
      JSON.stringify(
        emails.map((email) => ({
          id: email.id,
          message_id: email.messageId,
          kind: email.kind,
          payment_id: email.paymentId,
          cause_event_id: email.causeEventId,
          recipient: email.recipient,
          subject: email.subject,
          status: email.status,
          attempts: email.attempts,
          queued_at: email.queuedAt,
          sent_at: email.sentAt,
          failure: email.failure,
        })),
      ),
    ],
  );
}
