/**
 * The root of Ensemble's errors: each says whether trying again can help, so that whether a
 * failure is transient is decided where the error is made, once, and `retry`, `pollUntil` and the
 * consumer's failure classification all read the same answer.
 */
export class EnsembleError extends Error {
  readonly retriable: boolean;

  constructor(message: string, options: { retriable: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable;
  }
}

/**
 * The same failure, marked to be tried again whatever it says of itself: for a loop whose whole
 * job is to wait out a dependency that is away (kafkajs marks its own spent retries not retriable).
 * Keeps the message; the original is its `cause`.
 */
export function transient(error: unknown): EnsembleError {
  return new EnsembleError(error instanceof Error ? error.message : String(error), { retriable: true, cause: error });
}

/** Whether an error says itself that trying again can help: what an unbounded wait goes on after. */
export function saysRetriable(error: unknown): boolean {
  return (error as { retriable?: unknown } | undefined)?.retriable === true;
}

/**
 * Whether trying again can help: false only for an error that says so itself, an
 * {@link EnsembleError} or a kafkajs error, which carry the same `retriable` flag.
 */
export function isRetriable(error: unknown): boolean {
  return (error as { retriable?: unknown } | undefined)?.retriable !== false;
}
