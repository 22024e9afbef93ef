import { quoteIdentifier } from '@ensemble/database';
import { OpenWork } from '@ensemble/replay';

/**
 * Emails not sent yet (queued, dead-lettered, or with no recipient) have no EmailSent to be rebuilt
 * from: at a rebuild's swap they are carried over from the live table as they stand, with the inbox
 * rows of the events that called for them, so that the worker still finds them and nothing is owed twice.
 */
export const OPEN_EMAILS: OpenWork = {
  async carryOver(manager, shadowSchema) {
    const shadow = quoteIdentifier(shadowSchema);
    await manager.query(`INSERT INTO ${shadow}.emails SELECT * FROM public.emails WHERE status <> 'sent' ON CONFLICT DO NOTHING`);
    await manager.query(
      `INSERT INTO ${shadow}.processed_events
       SELECT * FROM public.processed_events WHERE event_id IN (SELECT cause_event_id FROM public.emails WHERE status <> 'sent')
       ON CONFLICT DO NOTHING`,
    );
  },
};
