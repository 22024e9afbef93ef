import { deadLetterQueueName, delayQueueName } from './queue-topology';

/** Where a job goes after its handler failed on it, and with what count of failed attempts. */
export type AfterFailure =
  | { kind: 'retry'; queue: string; delayMs: number; attempts: number }
  | { kind: 'dead-letter'; queue: string; attempts: number };

/**
 * The next step for a job that failed with `attempts` failed attempts before this one: the delay
 * queue of its next delay while delays remain (the first failure waits `retryDelaysMs[0]`), else the
 * dead-letter queue, so a job runs `retryDelaysMs.length + 1` times at most.
 */
export function afterFailure(queue: string, attempts: number, retryDelaysMs: readonly number[]): AfterFailure {
  const failed = attempts + 1;
  if (attempts < retryDelaysMs.length) {
    const delayMs = retryDelaysMs[attempts];
    return { kind: 'retry', queue: delayQueueName(queue, delayMs), delayMs, attempts: failed };
  }
  return { kind: 'dead-letter', queue: deadLetterQueueName(queue), attempts: failed };
}
