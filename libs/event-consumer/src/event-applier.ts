import { hash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { DataSource } from 'typeorm';
import { quoteIdentifier } from '@ensemble/database';
import { isCanonicalUuid } from '@ensemble/event-codec';
import { EnsembleEvent } from '@ensemble/events';
import { DeliveredEvent, recordProcessed } from '@ensemble/inbox';
import { retry } from '@ensemble/retry';
import { RecordSpan, startProcessSpan } from '@ensemble/tracing';
import { Delivery, EventContext, TransactionBuffer } from './event-context';
import { classifyFailure, Failure, MembershipLost, NonRetriableError } from './failure';
import { rebuildPattern } from './rebuild-from';

/** A decoded event and where it was read from. */
export interface DeliveredRecord {
  event: EnsembleEvent;
  delivery: Delivery;
}

/** A record that the core could not apply, and why: the caller reroutes it (live) or lists it (replay). */
export interface RecordFailure<R = DeliveredRecord> {
  record: R;
  failure: Failure;
}

/**
 * Where a transaction's effects go: by default the live tables; in a replay, the shadow schema the
 * replay builds, seen alone (search_path names only it), so that nothing outside it can be written.
 */
export interface ApplyTarget {
  schema?: string;
  /** Apply through the `@RebuildFrom` handlers, recording each announcement's cause as processed. */
  rebuild?: boolean;
  /** In a window replay, the window's start (see EventContext.windowStart). */
  windowStart?: Date;
  /**
   * Live consumption, as this consumer group: each record's handling is a span of its trace. A
   * replay leaves it out; it is traced as a whole.
   */
  tracedAs?: string;
}

/** Hands an event to the handler registered for `pattern`; false when there is none. */
export type Dispatch = (pattern: string, event: EnsembleEvent, context: EventContext) => Promise<boolean>;

export interface ApplyControl {
  /** Keeps the caller's group membership while the core waits; the client's error when the membership is lost. */
  heartbeat(): Promise<void>;
  /** True once the caller is stopping: an outage is then given up (the records stay uncommitted) rather than waited out. */
  stopping(): boolean;
}

/** What the core reports, for logs and metrics; the core itself never logs. */
export interface EventApplierEvents {
  /** A transaction committed: its records (conflicting duplicates left out, they fail instead) and how long it took. */
  committed: [{ target: ApplyTarget; records: DeliveredRecord[]; durationMs: number }];
  /** The database did not answer: the core waits for it, and tries the same records again without spending an attempt. */
  databaseUnavailable: [{ error: Error; failures: number; retryInMs: number }];
}

/**
 * The consumer core: applies records in transactions (inbox, handlers, buffers) with one failure
 * policy, for live consumption and replay alike.
 *
 * - A chunk is applied in one transaction; a retriable failure is tried `attempts` times in place
 *   with backoff, a permanent one not again; then the chunk's records are tried one by one, so that
 *   only those that fail on their own are returned as failed.
 * - A database that is down fails no record: the core waits until it answers and tries the same
 *   records again, their attempts untouched.
 * - An event for a fact applied before under another event id has no effect; if its content
 *   differs from what was applied, it fails as `conflicting-duplicate`.
 */
export class EventApplier extends EventEmitter<EventApplierEvents> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly dispatch: Dispatch,
    private readonly attempts: number,
  ) {
    super();
  }

  async apply<R extends DeliveredRecord>(records: R[], target: ApplyTarget, control: ApplyControl): Promise<RecordFailure<R>[]> {
    if (records.length === 0) return [];
    let failure: Failure;
    try {
      return await retry(
        async (attempt, bail) => {
          if (attempt > 1) await keepMembership(control);
          try {
            return await this.outlastOutages(() => this.applyInTransaction(records, target), control);
          } catch (error) {
            const { kind } = classifyFailure(error);
            // An outage given up because the caller stops leaves the records uncommitted, to be delivered again.
            if (kind === 'permanent' || (kind === 'outage' && control.stopping())) bail(error);
            throw error;
          }
        },
        { attempts: this.attempts, initialMs: 100, maxMs: 2_000 },
      );
    } catch (error) {
      throwIfMembershipLost(error);
      failure = classifyFailure(error);
      if (failure.kind === 'outage' && control.stopping()) throw error;
    }
    if (records.length === 1) return [{ record: records[0], failure: { ...failure, kind: failure.kind === 'outage' ? 'retriable' : failure.kind } }];
    // Isolate the failing records so that the others in the chunk are not held back by them.
    const failures: RecordFailure<R>[] = [];
    for (const record of records) failures.push(...(await this.apply([record], target, control)));
    return failures;
  }

  /**
   * {@link transact}, with a span for each live record's handling that ends when the transaction
   * commits. An attempt that rolls back leaves its spans unended, so never recorded: a record's
   * trace shows the attempt that committed, not one span per retry.
   */
  private async applyInTransaction<R extends DeliveredRecord>(records: R[], target: ApplyTarget): Promise<RecordFailure<R>[]> {
    const started = performance.now();
    const spans = new Map(records.map(({ delivery }) => [delivery, spanOf(delivery, target.tracedAs)]));
    const failures = await this.transact(records, target, spans);
    const failed = new Map(failures.map(({ record, failure }) => [record.delivery, failure.reason]));
    for (const [delivery, span] of spans) span?.end(failed.get(delivery));
    const conflicting = new Set<DeliveredRecord>(failures.map(({ record }) => record));
    this.emit('committed', { target, records: conflicting.size > 0 ? records.filter((record) => !conflicting.has(record)) : records, durationMs: performance.now() - started });
    return failures;
  }

  /**
   * One transaction: record the events as processed, apply those not seen before in order, each
   * under its span if it has one, flush the handlers' buffers. A rebuild records the cause of each
   * announcement, the event the live handler answered, so that the rebuilt inbox matches the live one.
   */
  private transact<R extends DeliveredRecord>(records: R[], target: ApplyTarget, spans: Map<Delivery, RecordSpan | undefined>): Promise<RecordFailure<R>[]> {
    const processedId = (event: EnsembleEvent) => (target.rebuild ? causeOf(event) : event.envelope.eventId);
    return this.dataSource.transaction(async (manager) => {
      if (target.schema) await manager.query(`SET LOCAL search_path TO ${quoteIdentifier(target.schema)}`);
      const { fresh, conflicting } = await recordProcessed(
        manager,
        records.map(({ event, delivery }): DeliveredEvent => {
          const { topic, partition, offset } = delivery;
          return { eventId: processedId(event), topic, partition, offset, ...(target.rebuild ? {} : factOf(event)) };
        }),
      );
      const buffers = new Map<string, TransactionBuffer>();
      const bufferFor = <T extends TransactionBuffer>(key: string, create: () => T): T => {
        if (!buffers.has(key)) buffers.set(key, create());
        return buffers.get(key) as T;
      };
      for (const { event, delivery } of records) {
        if (!fresh.delete(processedId(event))) continue;
        const eventType = event.envelope.eventType;
        const span = spans.get(delivery);
        const context = new EventContext([manager, delivery, bufferFor, target.windowStart, span?.traceparent]);
        const handle = () => this.dispatch(target.rebuild ? rebuildPattern(eventType) : eventType, event, context);
        await (span ? span.run(handle) : handle());
      }
      for (const buffer of buffers.values()) await buffer.flush(manager);
      return records
        .filter(({ event }) => conflicting.has(event.envelope.eventId))
        .map((record) => ({
          record,
          failure: {
            kind: 'permanent' as const,
            reason: 'conflicting-duplicate',
            message: `${record.event.envelope.eventType} for ${record.event.envelope.aggregateId} was applied before under another event id, with other content`,
          },
        }));
    });
  }

  /**
   * Runs `transaction`, and again at once each time it failed because the database was down and
   * has come back: an outage blames no record and spends none of its attempts. A database that
   * answers at once was not the cause: the failure is the transaction's.
   */
  private outlastOutages<T>(transaction: () => Promise<T>, control: ApplyControl): Promise<T> {
    return retry(
      async (_attempt, bail) => {
        try {
          return await transaction();
        } catch (error) {
          if (classifyFailure(error).kind !== 'outage' || !(await this.waitForDatabase(error, control).catch(bail))) bail(error);
          throw error;
        }
      },
      { initialMs: 0, maxMs: 0 },
    );
  }

  /** Waits until the database answers; false if it answered at once, so that the failure was not an outage after all. */
  private waitForDatabase(cause: unknown, control: ApplyControl): Promise<boolean> {
    return retry(
      async (attempt, bail) => {
        if (attempt > 1) await keepMembership(control);
        try {
          await this.dataSource.query('SELECT 1');
          return attempt > 1;
        } catch (error) {
          if (control.stopping()) bail(cause);
          throw error;
        }
      },
      {
        initialMs: 200,
        maxMs: 5_000,
        onRetry: (error, { failures, delayMs }) => this.emit('databaseUnavailable', { error: error as Error, failures, retryInMs: delayMs }),
      },
    );
  }
}

/**
 * Heartbeats for a core that works or waits on records: a failure is the group's, not the records',
 * so it leaves as {@link MembershipLost}, which no retry takes for retriable and no classification
 * blames on them.
 */
export async function keepMembership(control: ApplyControl): Promise<void> {
  try {
    await control.heartbeat();
  } catch (error) {
    throw new MembershipLost(error);
  }
}

/** Where the core hands a failure back to its client: a lost membership leaves as the client's own error. */
export function throwIfMembershipLost(error: unknown): void {
  if (error instanceof MembershipLost) throw error.clientError;
}

function spanOf(delivery: Delivery, group: string | undefined): RecordSpan | undefined {
  if (!group) return undefined;
  const { topic, partition, offset, headers } = delivery;
  return startProcessSpan(headers.traceparent, { topic, partition, offset, eventId: headers['event-id'], eventType: headers['event-type'] }, group);
}

/** The fact an event stands for: each event type happens at most once to an aggregate. */
function factOf(event: EnsembleEvent): Pick<DeliveredEvent, 'fact' | 'contentHash'> {
  const { envelope, ...content } = event;
  return { fact: `${envelope.eventType}:${envelope.aggregateId}`, contentHash: hash('sha1', JSON.stringify(content)) };
}

function causeOf(event: EnsembleEvent): string {
  const { causationId, eventType, eventId } = event.envelope;
  // Spelled otherwise, PostgreSQL would record the cause in its own spelling and it would never match.
  if (!causationId || !isCanonicalUuid(causationId)) {
    throw new NonRetriableError(`${eventType} ${eventId} names no cause as a canonical event id, so a rebuild cannot tell which event it answered`);
  }
  return causationId;
}
