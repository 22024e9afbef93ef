import { Delivery } from './event-context';
import { FAILURE_HEADERS } from './failure-topics';

/** Where a retry-topic record came from, how often it was tried, and when it is due. */
export interface RetryState {
  delivery: Delivery;
  attempts: number;
  retryAt: number;
}

export interface RetryBounds {
  /** The topics the service consumes: a record can only have come from one of them. */
  eventTopics: readonly string[];
  rounds: number;
  /** The longest configured delay: no record is due later than this from now. */
  longestDelayMs: number;
}

/**
 * Reads the failure headers of a record from a retry topic, which anyone who can write to the topic
 * could have set: each is checked and bounded, and the record is refused (dead-lettered) rather
 * than trusted. Returns the problem as a string when a header is invalid.
 */
export function readRetryHeaders(headers: Record<string, string>, bounds: RetryBounds, now = Date.now()): RetryState | string {
  const topic = headers[FAILURE_HEADERS.originalTopic];
  if (!bounds.eventTopics.includes(topic)) return `${FAILURE_HEADERS.originalTopic} ${JSON.stringify(topic)} is not a topic this service consumes`;
  const partition = integerIn(headers[FAILURE_HEADERS.originalPartition], 0, 100_000);
  if (partition === undefined) return `${FAILURE_HEADERS.originalPartition} ${JSON.stringify(headers[FAILURE_HEADERS.originalPartition])} is not a partition`;
  const offset = headers[FAILURE_HEADERS.originalOffset];
  if (!/^\d{1,19}$/.test(offset ?? '')) return `${FAILURE_HEADERS.originalOffset} ${JSON.stringify(offset)} is not an offset`;
  const attempts = integerIn(headers[FAILURE_HEADERS.attempts], 0, bounds.rounds);
  if (attempts === undefined) return `${FAILURE_HEADERS.attempts} ${JSON.stringify(headers[FAILURE_HEADERS.attempts])} is not a whole number from 0 to ${bounds.rounds}`;
  const retryAt = integerIn(headers[FAILURE_HEADERS.retryAt], 0, now + bounds.longestDelayMs);
  if (retryAt === undefined) {
    return `${FAILURE_HEADERS.retryAt} ${JSON.stringify(headers[FAILURE_HEADERS.retryAt])} is not a time within the longest retry delay (${bounds.longestDelayMs} ms) from now`;
  }
  return { delivery: { topic, partition, offset, headers }, attempts, retryAt };
}

function integerIn(text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined || !/^\d{1,16}$/.test(text)) return undefined;
  const value = Number(text);
  return value >= min && value <= max ? value : undefined;
}
