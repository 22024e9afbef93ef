import { EntityManager } from 'typeorm';
import { preparedQuery } from '@ensemble/database';

export interface DeliveredEvent {
  eventId: string;
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Records events as processed inside the caller's transaction and returns the ids seen for the
 * first time: apply only those. An id already recorded (a redelivery, or a duplicate within the
 * batch) is left out. A concurrent transaction recording the same id waits for this one to end.
 */
export async function recordProcessed(manager: EntityManager, events: DeliveredEvent[]): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  // One JSON parameter rather than four arrays, whose element-by-element escaping in pg took 3% of a consumer's CPU on a backlog.
  const rows = await preparedQuery<{ event_id: string }>(
    manager,
    'inbox-record-processed',
    `INSERT INTO processed_events (event_id, topic, partition, "offset")
     SELECT event_id, topic, partition, "offset"
       FROM jsonb_to_recordset($1::jsonb) AS event (event_id uuid, topic text, partition int, "offset" bigint)
     ON CONFLICT (event_id) DO NOTHING
     RETURNING event_id`,
    [JSON.stringify(events.map(({ eventId, topic, partition, offset }) => ({ event_id: eventId, topic, partition, offset })))],
  );
  return new Set(rows.map((row) => row.event_id));
}
