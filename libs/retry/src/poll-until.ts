import { inspect } from 'node:util';
import { EnsembleError, isRetriable, saysRetriable } from './ensemble-error';
import { pause } from './pause';

export interface PollOptions {
  /** What is awaited, as the timeout's message names it: "orders to answer /health". */
  description: string;
  intervalMs: number;
  /**
   * Unbounded when absent: the wait then ends only with a value, an error or the signal, and an
   * error counts as "not yet" only when it says itself that it is retriable, since nothing else
   * would end a wait on a fault that never clears.
   */
  timeoutMs?: number;
  /** Ends the wait at once with the signal's reason. */
  signal?: AbortSignal;
}

/** What a check answers while what it waits for has not happened yet. */
type NotYet = undefined | null | false;

/** A wait that ran out of time: names what was awaited and what the check last answered or threw. */
export class WaitTimedOut extends EnsembleError {
  constructor(
    readonly description: string,
    readonly timeoutMs: number,
    readonly last: { value: unknown } | { error: unknown },
  ) {
    const seen = 'error' in last ? `last error: ${last.error instanceof Error ? last.error.message : String(last.error)}` : `last answer: ${inspect(last.value)}`;
    super(`timed out after ${timeoutMs} ms waiting for ${description} (${seen})`, { retriable: true, cause: 'error' in last ? last.error : undefined });
  }
}

/**
 * Calls `check` every `intervalMs` until it answers something other than undefined, null or false,
 * and resolves with that answer (so 0 and '' count as answers). A retriable error thrown by `check`
 * counts as "not yet" (in an unbounded wait, only one that says so itself); any other ends the wait
 * at once. Checks once more at the deadline, then throws {@link WaitTimedOut}.
 */
export async function pollUntil<T>(check: () => Promise<T | NotYet> | T | NotYet, options: PollOptions): Promise<T> {
  const { intervalMs, timeoutMs = Infinity, signal, description } = options;
  const deadline = Date.now() + timeoutMs;
  const notYet = timeoutMs === Infinity ? saysRetriable : isRetriable;
  for (;;) {
    signal?.throwIfAborted();
    let last: { value: unknown } | { error: unknown };
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value as T;
      last = { value };
    } catch (error) {
      if (!notYet(error)) throw error;
      last = { error };
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new WaitTimedOut(description, timeoutMs, last);
    await pause(Math.min(intervalMs, remaining), signal);
  }
}
