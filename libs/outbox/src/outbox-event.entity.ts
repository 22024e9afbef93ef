import { Column, Entity, PrimaryColumn } from 'typeorm';
import { OutboxDestinationName } from './outbox-destination';

/**
 * A row of the `outbox` table: the contract between a service's transaction and the relay. It is
 * written in the same transaction as the change it announces, and holds everything the relay needs
 * to publish it without knowing anything about the service: destination, topic or queue, key,
 * Avro-ready payload (or a job's JSON), headers.
 */
@Entity({ name: 'outbox' })
export class OutboxEvent {
  /** The event's `eventId`. */
  @PrimaryColumn('uuid')
  id: string;

  /** Insertion order. For one aggregate it is also commit order, since its writes are serialised. */
  @Column({ type: 'bigint', insert: false, update: false })
  sequence: string;

  @Column({ name: 'aggregate_type', type: 'text' })
  aggregateType: string;

  /** The Kafka record key. */
  @Column({ name: 'aggregate_id', type: 'text' })
  aggregateId: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType: string;

  /** Where the relay publishes it: `kafka` (an event) or `rabbitmq` (a job); see OUTBOX_DESTINATIONS. */
  @Column({ type: 'text', default: 'kafka' })
  destination: OutboxDestinationName;

  /** The Kafka topic, or the work queue. */
  @Column({ type: 'text' })
  topic: string;

  /** The whole event, envelope included, as the Avro schema's JSON form; or a job's JSON body. */
  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  /** Kafka record headers. */
  @Column({ type: 'jsonb' })
  headers: Record<string, string>;

  /** Which relay lease covers the row; derived from the aggregate id by the database. */
  @Column({ type: 'smallint', insert: false, update: false })
  lane: number;

  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  createdAt: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;
}
