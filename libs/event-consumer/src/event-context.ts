import { BaseRpcContext } from '@nestjs/microservices';
import { EntityManager } from 'typeorm';
import { EnsembleEvent, EventOrigin } from '@ensemble/events';
import type { RecordPosition } from '@ensemble/kafka';

/** Where an event was published (for a retried record, its original position) and the headers it came with. */
export interface Delivery extends RecordPosition {
  headers: Record<string, string>;
}

/** Writes gathered over a transaction's events and made once, just before it commits. */
export interface TransactionBuffer {
  flush(manager: EntityManager): Promise<void>;
}

type BufferFor = <T extends TransactionBuffer>(key: string, create: () => T) => T;

/**
 * What an `@EventPattern` handler gets besides the event: the transaction its effect must be written
 * in (the same one that records the event as processed) and where the event came from.
 */
export class EventContext extends BaseRpcContext<[EntityManager, Delivery, BufferFor, Date | undefined, string | undefined]> {
  get manager(): EntityManager {
    return this.args[0];
  }

  get delivery(): Delivery {
    return this.args[1];
  }

  /**
   * Set only in a replay of a window: its start. The rows that events before it made were copied
   * from the live projection, so a handler that files effects by event time leaves earlier ones out.
   */
  get windowStart(): Date | undefined {
    return this.args[3];
  }

  /**
   * The origin of an event that `cause` sets off: the same conversation, caused by it, in its trace
   * as a child of this handling's span (of the record's own span, outside live consumption).
   */
  followingFrom(cause: EnsembleEvent): EventOrigin {
    return { correlationId: cause.envelope.correlationId, causationId: cause.envelope.eventId, traceparent: this.args[4] ?? this.delivery.headers.traceparent };
  }

  /**
   * The transaction's buffer under `key`, created on first use and flushed after the last event of
   * the transaction. A handler that upserts shared rows (totals, profiles) gathers its changes here
   * and writes them in one statement in key order: fewer round trips, and concurrent transactions
   * lock rows in the same order, so they wait for each other instead of deadlocking.
   */
  buffer<T extends TransactionBuffer>(key: string, create: () => T): T {
    return this.args[2](key, create);
  }
}
