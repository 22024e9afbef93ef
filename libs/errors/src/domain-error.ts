import { FieldProblem } from './field-problem';

/**
 * What kind of refusal a domain error is, which is all an edge needs to answer it: the HTTP filter
 * maps each kind to one status.
 */
export type DomainErrorKind =
  /** What was asked about does not exist. */
  | 'not-found'
  /** The request contradicts what was recorded or what is running. */
  | 'conflict'
  /** The request's content cannot be taken; `fields` say where. */
  | 'invalid'
  /** The request's content is larger than what may be recorded. */
  | 'too-large'
  /** Well-formed, but not something this service can do. */
  | 'unsupported'
  /** Too much of the same work is under way; the same request may pass after `retryAfterSeconds`. */
  | 'busy'
  /** A dependency is away for now; nothing was written, and the same request may pass after `retryAfterSeconds`. */
  | 'unavailable';

/**
 * An error a service or library throws when it refuses what was asked, in its own terms: a stable
 * machine-readable `code` (e.g. `idempotency_key_reused`) and its kind. Domain code throws these
 * and never an HTTP error; the edge decides how to answer.
 */
export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly details: { fields?: FieldProblem[]; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}
