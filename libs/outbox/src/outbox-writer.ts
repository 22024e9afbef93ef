import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ServiceName } from '@ensemble/config';
import { EventCatalogue, EventType, EventTypes } from '@ensemble/events';
import { OutboxEvent } from './outbox-event.entity';
import { childTraceparent } from './trace-context';

/** Where an event sits in the conversation between services: what it belongs to and what caused it. */
export interface EventOrigin {
  correlationId: string;
  causationId?: string | null;
  /** The W3C traceparent of the work that produced the event, if any. */
  traceparent?: string;
}

export type EventFacts<T extends EventType> = Omit<EventTypes[T], 'envelope'>;

/**
 * Appends events to the outbox inside the caller's transaction, so that the event exists if and only
 * if the change it announces was committed. Publishing is the relay's job.
 */
export class OutboxWriter {
  constructor(
    private readonly producer: ServiceName,
    private readonly catalogue: EventCatalogue,
  ) {}

  append<T extends EventType>(
    manager: EntityManager,
    eventType: T,
    aggregate: { type: string; id: string },
    facts: EventFacts<T>,
    origin: EventOrigin,
  ): Promise<EventTypes[T]> {
    return this.appendAll(manager, eventType, [{ aggregate, facts, origin }]).then(([event]) => event);
  }

  /** Appends several events of one type in a single statement. */
  async appendAll<T extends EventType>(
    manager: EntityManager,
    eventType: T,
    entries: Array<{ aggregate: { type: string; id: string }; facts: EventFacts<T>; origin: EventOrigin }>,
  ): Promise<Array<EventTypes[T]>> {
    const { topic } = this.catalogue.get(eventType);
    const events: Array<EventTypes[T]> = [];
    const rows: Array<Partial<OutboxEvent>> = [];
    for (const { aggregate, facts, origin } of entries) {
      const envelope = {
        eventId: randomUUID(),
        eventType,
        occurredAt: Date.now(),
        aggregateId: aggregate.id,
        correlationId: origin.correlationId,
        causationId: origin.causationId ?? null,
        producer: this.producer,
      };
      const event = { envelope, ...facts } as unknown as EventTypes[T];
      const headers: Record<string, string> = {
        'event-id': envelope.eventId,
        'event-type': eventType,
        'correlation-id': envelope.correlationId,
        traceparent: childTraceparent(origin.traceparent),
      };
      if (envelope.causationId) headers['causation-id'] = envelope.causationId;
      events.push(event);
      rows.push({
        id: envelope.eventId,
        aggregateType: aggregate.type,
        aggregateId: aggregate.id,
        eventType,
        topic,
        payload: event as unknown as Record<string, unknown>,
        headers,
      });
    }
    if (rows.length > 0) await manager.insert(OutboxEvent, rows as Array<QueryDeepPartialEntity<OutboxEvent>>);
    return events;
  }
}
