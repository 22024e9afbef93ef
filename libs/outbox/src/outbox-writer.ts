import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { ServiceName } from '@ensemble/config';
import { preparedQuery } from '@ensemble/database';
import { EventCodec } from '@ensemble/event-codec';
import { EventCatalogue, EventOrigin, EventType, EventTypes } from '@ensemble/events';
import { EnsembleError } from '@ensemble/retry';
import { traceparentOrNew } from '@ensemble/tracing';

export type EventFacts<T extends EventType> = Omit<EventTypes[T], 'envelope'>;

/** One event to append: what it is about, its facts, and where it sits in the conversation. */
export interface EventEntry<T extends EventType> {
  aggregate: { type: string; id: string };
  facts: EventFacts<T>;
  origin: EventOrigin;
}

/**
 * The most an encoded event may take: Kafka's default record limit (1 MiB) less room for the
 * record's key and headers. The API's 64 kB bodies make events far smaller.
 */
export const MAX_EVENT_BYTES = 1_000_000;

/**
 * An event too large to publish, refused before its transaction commits: written, it would stop
 * the relay at it. No retry helps (`retriable: false`), so a consumer whose handler announced it
 * dead-letters the event that set it off.
 */
export class EventTooLargeError extends EnsembleError {
  constructor(eventType: string, aggregateId: string, bytes: number) {
    super(`${eventType} for ${aggregateId} would take ${bytes} bytes, more than the ${MAX_EVENT_BYTES} an event may`, { retriable: false });
  }
}

/**
 * An event appended by a service other than the one that owns its schema: each event type has one
 * publisher, `schemas/<owner>/`, which the contract and the live view's map name. A programming
 * error, refused before anything is written.
 */
export class EventNotOwnedError extends EnsembleError {
  constructor(eventType: string, owner: ServiceName, producer: ServiceName) {
    super(`${producer} cannot publish ${eventType}: its schema is under schemas/${owner}/, so only ${owner} publishes it`, { retriable: false });
  }
}

/** Outbox rows as one JSON array, the single parameter of {@link insertIntoOutbox}. */
export interface PreparedEvents<T extends EventType> {
  events: Array<EventTypes[T]>;
  rows: string;
}

/**
 * An INSERT of the outbox rows passed as one JSON array in `rowsParameter` (e.g. `$1`). With
 * `onlyWith`, the name of a common table expression of the caller's statement, the rows are written
 * only if that expression yields a row: the event exists exactly when the change it announces does.
 */
export function insertIntoOutbox(rowsParameter: string, onlyWith?: string): string {
  return `INSERT INTO outbox (id, destination, aggregate_type, aggregate_id, event_type, topic, payload, headers)
    SELECT id, coalesce(destination, 'kafka'), aggregate_type, aggregate_id, event_type, topic, payload, headers
      FROM jsonb_to_recordset(${rowsParameter}::jsonb)
        AS row (id uuid, destination text, aggregate_type text, aggregate_id text, event_type text, topic text, payload jsonb, headers jsonb)
     ${onlyWith ? `WHERE EXISTS (SELECT FROM ${onlyWith})` : ''}`;
}

/** One job for a work queue: its id (the message's, by which a worker knows it again), what it is about, its kind and its JSON body. */
export interface JobEntry {
  id: string;
  aggregate: { type: string; id: string };
  kind: string;
  body: object;
  origin: EventOrigin;
}

/**
 * A job handed to a queue that is not the writing service's own (`<service>.<name>`), or one too
 * large for a message. A programming error, refused before anything is written.
 */
export class JobNotWritableError extends EnsembleError {
  constructor(message: string) {
    super(message, { retriable: false });
  }
}

/**
 * Appends events to the outbox inside the caller's transaction, so that the event exists if and only
 * if the change it announces was committed. Publishing is the relay's job; each event is encoded
 * against its registered schema first, so that nothing is written that the relay could not publish.
 * Jobs for a work queue go the same way, to the relay of the `rabbitmq` destination.
 */
export class OutboxWriter {
  constructor(
    private readonly producer: ServiceName,
    private readonly catalogue: EventCatalogue,
    private readonly codec: EventCodec,
  ) {}

  /** Appends several events of one type in a single statement. */
  async appendAll<T extends EventType>(manager: EntityManager, eventType: T, entries: Array<EventEntry<T>>): Promise<Array<EventTypes[T]>> {
    const { events, rows } = await this.prepare(eventType, entries);
    if (events.length > 0) await preparedQuery(manager, 'outbox-insert', insertIntoOutbox('$1'), [rows]);
    return events;
  }

  /**
   * Appends jobs for the work queue `queue` in a single statement: each is published to it as a
   * persistent message, once RabbitMQ confirms it, in order per aggregate.
   */
  async appendJobs(manager: EntityManager, queue: string, jobs: JobEntry[]): Promise<void> {
    if (!queue.startsWith(`${this.producer}.`)) throw new JobNotWritableError(`${this.producer} cannot hand jobs to ${queue}: its queues are named ${this.producer}.<name>`);
    if (jobs.length === 0) return;
    const rows = jobs.map(({ id, aggregate, kind, body, origin }) => {
      const payload = JSON.stringify(body);
      if (Buffer.byteLength(payload) > MAX_EVENT_BYTES) throw new JobNotWritableError(`${kind} ${id} would take more than the ${MAX_EVENT_BYTES} bytes a job may`);
      const headers: Record<string, string> = { 'job-id': id, 'job-kind': kind, 'correlation-id': origin.correlationId, traceparent: traceparentOrNew(origin.traceparent) };
      if (origin.causationId) headers['causation-id'] = origin.causationId;
      return { id, destination: 'rabbitmq', aggregate_type: aggregate.type, aggregate_id: aggregate.id, event_type: kind, topic: queue, payload: body, headers };
    });
    await preparedQuery(manager, 'outbox-insert', insertIntoOutbox('$1'), [JSON.stringify(rows)]);
  }

  /**
   * The events, envelopes and headers included, and their outbox rows, for a caller that writes them
   * in a statement of its own with {@link insertIntoOutbox}. Throws EventNotOwnedError for an event
   * another service owns, EventNotEncodableError for an event its schema cannot hold and
   * EventTooLargeError for one Kafka would refuse; a registry that does not answer fails it too,
   * before anything is written.
   */
  async prepare<T extends EventType>(eventType: T, entries: Array<EventEntry<T>>): Promise<PreparedEvents<T>> {
    const { topic, owner } = this.catalogue.get(eventType);
    if (owner !== this.producer) throw new EventNotOwnedError(eventType, owner, this.producer);
    const events: Array<EventTypes[T]> = [];
    const rows: object[] = [];
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
        // The span that wrote the event (the request's, or the handling of its cause): the relay's span continues it.
        traceparent: traceparentOrNew(origin.traceparent),
      };
      if (envelope.causationId) headers['causation-id'] = envelope.causationId;
      events.push(event);
      rows.push({ id: envelope.eventId, aggregate_type: aggregate.type, aggregate_id: aggregate.id, event_type: eventType, topic, payload: event, headers });
    }
    for (const event of events) {
      const { length } = await this.codec.encode(eventType, event);
      if (length > MAX_EVENT_BYTES) throw new EventTooLargeError(eventType, event.envelope.aggregateId, length);
    }
    return { events, rows: JSON.stringify(rows) };
  }
}
