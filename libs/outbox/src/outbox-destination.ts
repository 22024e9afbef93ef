import { EnsembleError } from '@ensemble/retry';

/**
 * The brokers an outbox publishes to, each the value of its rows' `destination` column: Kafka for
 * events (to a topic), RabbitMQ for jobs (to a work queue). Each destination has its relays, lanes
 * and leases of its own, so that a broker that is down holds back only its own rows.
 */
export const OUTBOX_DESTINATIONS = ['kafka', 'rabbitmq'] as const;

export type OutboxDestinationName = (typeof OUTBOX_DESTINATIONS)[number];

/** A row waiting to be published, as the relay reads it. */
export interface PendingRow {
  id: string;
  /** The Kafka topic, or the work queue. */
  topic: string;
  aggregate_id: string;
  event_type: string;
  payload: Record<string, unknown>;
  headers: Record<string, string>;
  /** The start of the transaction that wrote the row, by the database's clock. */
  created_at: Date;
}

/** A row its destination can never take as it is (its payload no longer matches its schema, say): the relay parks it. */
export class RowNotPublishableError extends EnsembleError {
  constructor(message: string) {
    super(message, { retriable: false });
  }
}

/**
 * Where a relay sends its rows: the relay reads, orders, leases, parks and marks them; the
 * destination turns a row into what its broker takes and sends batches, resolving only once the
 * broker has acknowledged (Kafka) or confirmed (RabbitMQ) every one, in order.
 */
export interface OutboxDestination<Outgoing = unknown> {
  readonly name: OutboxDestinationName;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** The row as its broker takes it, naming `traceparent` as its trace; throws {@link RowNotPublishableError} for one it never will. */
  encode(row: PendingRow, traceparent: string): Promise<Outgoing>;
  send(batch: Outgoing[]): Promise<void>;
  /** Whether a send failed because the broker will never take one of the rows, rather than for now. */
  isRefusedForGood(error: unknown): boolean;
}
