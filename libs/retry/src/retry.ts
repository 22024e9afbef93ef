import { backoffDelay, BackoffOptions } from './backoff';
import { isRetriable } from './ensemble-error';
import { pause } from './pause';

export interface RetryOptions extends BackoffOptions {
  /** Tries in all, the first included; unbounded when absent. */
  attempts?: number;
  /** Ends the retry at once, before an attempt or during a wait, with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Told of each failure that will be tried again, and after how long: where a caller reports it.
   * `failures` counts the failures in a row, this one included, as the backoff does: since the
   * start, or since an attempt last reported progress.
   */
  onRetry?: (error: unknown, retrying: { failures: number; delayMs: number }) => void;
}

/**
 * For a retry that only its signal is meant to end: a catch that takes that end as done and
 * rethrows any other, so that a fault the loop did not expect is never swallowed with the abort.
 */
export function endedBy(signal: AbortSignal): (error: unknown) => void {
  return (error) => {
    if (!signal.aborted) throw error;
  };
}

/** Stops the retry at once with `error`: for a failure the attempt knows no retry can help. */
export type Bail = (error: unknown) => never;

/**
 * Tells the retry that the attempt in hand has made progress (joined its group, relayed a pass):
 * its next failure waits as the first one did, rather than longer than the last.
 */
export type Progressed = () => void;

class Bailed {
  constructor(readonly error: unknown) {}
}

/**
 * Calls `fn` until it succeeds, waiting a backoff (see {@link backoffDelay}) between attempts. A
 * failure ends the retry at once when its error is not retriable ({@link isRetriable}), when `fn`
 * bails with it, or when it was the last of `attempts`; the retry then throws that error itself.
 */
export async function retry<T>(fn: (attempt: number, bail: Bail, progressed: Progressed) => Promise<T>, options: RetryOptions): Promise<T> {
  const { attempts = Infinity, signal } = options;
  const bail: Bail = (error) => {
    throw new Bailed(error);
  };
  // The attempt number counts tries; the backoff counts failures since the last progress.
  let failures = 0;
  const progressed: Progressed = () => {
    failures = 0;
  };
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn(attempt, bail, progressed);
    } catch (error) {
      if (error instanceof Bailed) throw error.error;
      if (!isRetriable(error) || attempt >= attempts) throw error;
      const delayMs = backoffDelay(++failures, options);
      options.onRetry?.(error, { failures, delayMs });
      await pause(delayMs, signal);
    }
  }
}
