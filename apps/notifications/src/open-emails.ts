import { quoteIdentifier } from '@ensemble/database';
import { OpenWork } from '@ensemble/replay';

const EMAIL_COLUMNS = 'id, message_id, kind, payment_id, cause_event_id, recipient, subject, status, attempts, queued_at, sent_at, failure';
const INBOX_COLUMNS = 'event_id, topic, partition, "offset", fact, content_hash, processed_at';

/**
 * Emails not sent yet (queued, dead-lettered, or with no recipient) have no EmailSent to be rebuilt
 * from: at a rebuild's swap they are carried over from the live table as they stand, with the inbox
 * rows of the events that called for them, so that the worker still finds them and nothing is owed twice.
 */
export const OPEN_EMAILS: OpenWork = {
  async carryOver(manager, shadowSchema) {
    const shadow = quoteIdentifier(shadowSchema);
    await manager.query(`INSERT INTO ${shadow}.emails (${EMAIL_COLUMNS}) SELECT ${EMAIL_COLUMNS} FROM public.emails WHERE status <> 'sent' ON CONFLICT DO NOTHING`);
    await manager.query(
      `INSERT INTO ${shadow}.processed_events (${INBOX_COLUMNS})
       SELECT ${INBOX_COLUMNS} FROM public.processed_events WHERE event_id IN (SELECT cause_event_id FROM public.emails WHERE status <> 'sent')
       ON CONFLICT DO NOTHING`,
    );
  },
};
