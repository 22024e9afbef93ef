export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/**
 * Exponential backoff with full jitter: attempt 1 waits up to `initialMs`, each later attempt up to
 * twice as long, capped at `maxMs`. The jitter keeps many clients that failed together from
 * retrying together.
 */
export function backoffDelay(attempt: number, { initialMs, maxMs }: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * random());
}
