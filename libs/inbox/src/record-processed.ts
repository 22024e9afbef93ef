import { EntityManager } from 'typeorm';
import { preparedQuery } from '@ensemble/database';
import type { RecordPosition } from '@ensemble/kafka';

/** An event to record as processed, with where it was read. */
export interface DeliveredEvent extends RecordPosition {
  eventId: string;
  /** The business fact the event stands for (one event type happening to one aggregate), when it has one. */
  fact?: string;
  /** A hash of the event's content, compared when a second event claims the same fact. */
  contentHash?: string;
}

export interface InboxVerdict {
  /** Ids seen for the first time, for facts not applied before: apply only those. */
  fresh: Set<string>;
  /** Ids whose fact was applied before, by another event, with other content: these contradict what was applied. */
  conflicting: Set<string>;
}

/**
 * Records events as processed inside the caller's transaction and says which to apply. An id
 * already recorded (a redelivery, or a duplicate within the batch) is left out, and so is an event
 * whose fact another event already applied; if its content differs, it is `conflicting`. A
 * concurrent transaction recording the same id or fact waits for this one to end.
 */
export async function recordProcessed(manager: EntityManager, events: DeliveredEvent[]): Promise<InboxVerdict> {
  if (events.length === 0) return { fresh: new Set(), conflicting: new Set() };
  // One JSON parameter rather than arrays, whose element-by-element escaping in pg shows in a consumer's CPU on a backlog.
  // ON CONFLICT without a target covers both the event id and the fact.
  const rows = await preparedQuery<{ event_id: string }>(
    manager,
    'inbox-record-processed',
    `INSERT INTO processed_events (event_id, topic, partition, "offset", fact, content_hash)
     SELECT event_id, topic, partition, "offset", fact, content_hash
       FROM jsonb_to_recordset($1::jsonb) AS event (event_id uuid, topic text, partition int, "offset" bigint, fact text, content_hash text)
     ON CONFLICT DO NOTHING
     RETURNING event_id`,
    [
      JSON.stringify(
        events.map(({ eventId, topic, partition, offset, fact, contentHash }) => ({ event_id: eventId, topic, partition, offset, fact, content_hash: contentHash })),
      ),
    ],
  );
  const fresh = new Set(rows.map((row) => row.event_id));
  const repeated = events.filter((event) => !fresh.has(event.eventId) && event.fact !== undefined);
  return { fresh, conflicting: repeated.length === 0 ? new Set() : await conflictingWithApplied(manager, repeated) };
}

/** Of events not recorded, those whose fact was applied by another event with other content. */
async function conflictingWithApplied(manager: EntityManager, events: DeliveredEvent[]): Promise<Set<string>> {
  const applied = await preparedQuery<{ event_id: string; fact: string; content_hash: string | null }>(
    manager,
    'inbox-facts-applied',
    `SELECT event_id, fact, content_hash FROM processed_events WHERE fact = ANY($1::text[])`,
    [events.map((event) => event.fact)],
  );
  const byFact = new Map(applied.map((row) => [row.fact, row]));
  return new Set(
    events
      .filter((event) => {
        const row = byFact.get(event.fact!);
        return row !== undefined && row.event_id !== event.eventId && row.content_hash !== event.contentHash;
      })
      .map((event) => event.eventId),
  );
}
