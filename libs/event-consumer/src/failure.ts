import { isDatabaseUnavailable } from '@ensemble/database';
import { UndecodableRecordError } from '@ensemble/event-codec';
import { EnsembleError, isRetriable } from '@ensemble/retry';

/** A handler error that no retry can fix (the event contradicts the service's state): dead-lettered at once. */
export class NonRetriableError extends EnsembleError {
  constructor(message: string) {
    super(message, { retriable: false });
  }
}

/**
 * A handler error for an event that arrived before one it depends on: it is tried again through
 * the retry topics, as a retriable failure is, until what it waits for has been applied.
 */
export class NotYetApplicableError extends EnsembleError {
  constructor(message: string) {
    super(message, { retriable: true });
  }
}

/**
 * The consumer's heartbeat failed while the core worked or waited (its group rebalanced, or forgot
 * it): the records in hand are no longer this member's to apply or to blame. Never classified;
 * the core throws the client's own error in its place, so that the client rejoins its group as it
 * does after any failed heartbeat.
 */
export class MembershipLost extends EnsembleError {
  constructor(readonly clientError: unknown) {
    super(`the consumer lost its group membership: ${clientError instanceof Error ? clientError.message : String(clientError)}`, { retriable: false, cause: clientError });
  }
}

/**
 * What the consumer core does about a failure:
 * - `retriable`: try again in place, then through the retry topics, then dead-letter;
 * - `not-yet`: the same path, for an event that waits on another;
 * - `permanent`: dead-letter at once, since trying again can only fail the same way;
 * - `outage`: a dependency of the service is down; wait until it is back and try the same records
 *   again, their attempts untouched: the records are not to blame.
 */
export type FailureKind = 'retriable' | 'not-yet' | 'permanent' | 'outage';

export interface Failure {
  kind: FailureKind;
  /** The dead letter's `ensemble-error-reason`. */
  reason: string;
  message: string;
}

/**
 * PostgreSQL error classes that no retry of the record fixes: data exceptions (22) and integrity
 * violations (23). Syntax or access errors (42) are the service's fault, not the record's: they
 * stay retriable, so that a bad deployment does not dead-letter everything at full speed.
 */
const PERMANENT_SQLSTATE_CLASSES = new Set(['22', '23']);

/** The one classification of failures that live consumption and replay share. */
export function classifyFailure(error: unknown): Failure {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof NotYetApplicableError) return { kind: 'not-yet', reason: 'not-yet-applicable', message };
  // Errors that say themselves that no retry helps: ours (a NonRetriableError, an undecodable record, an event too large to publish) and kafkajs's.
  if (!isRetriable(error)) return { kind: 'permanent', reason: error instanceof UndecodableRecordError ? error.reason : 'non-retriable', message };
  if (isDatabaseUnavailable(error)) return { kind: 'outage', reason: 'database-unavailable', message };
  const code = String((error as { code?: unknown })?.code ?? '');
  if (/^[0-9A-Z]{5}$/.test(code) && PERMANENT_SQLSTATE_CLASSES.has(code.slice(0, 2))) {
    return { kind: 'permanent', reason: code.startsWith('23') ? 'constraint-violation' : 'invalid-data', message };
  }
  return { kind: 'retriable', reason: 'handler-failed', message };
}
