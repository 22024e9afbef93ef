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
  const rows = await preparedQuery<{ event_id: string }>(
    manager,
    'inbox-record-processed',
    `INSERT INTO processed_events (event_id, topic, partition, "offset")
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::bigint[])
     ON CONFLICT (event_id) DO NOTHING
     RETURNING event_id`,
    [events.map((event) => event.eventId), events.map((event) => event.topic), events.map((event) => event.partition), events.map((event) => event.offset)],
  );
  return new Set(rows.map((row) => row.event_id));
}
