import { ServiceName } from '@ensemble/config';

/** Each consuming service's own retry and dead-letter topics (declared in infra/topics.yaml). */
export function failureTopics(service: ServiceName): { retry: string; deadLetter: string } {
  return { retry: `${service}.retry`, deadLetter: `${service}.dead-letter` };
}

/** Headers a rerouted record carries, besides the original record's own. */
export const FAILURE_HEADERS = {
  originalTopic: 'ensemble-original-topic',
  originalPartition: 'ensemble-original-partition',
  originalOffset: 'ensemble-original-offset',
  consumerGroup: 'ensemble-consumer-group',
  /** `bad-magic-byte`, `unknown-schema-id`, `corrupt-body`, `handler-failed` or `non-retriable`. */
  reason: 'ensemble-error-reason',
  error: 'ensemble-error',
  /** Rounds through the retry topic so far. */
  attempts: 'ensemble-attempts',
  /** Epoch milliseconds before which a retry-topic record is not tried. */
  retryAt: 'ensemble-retry-at',
  failedAt: 'ensemble-failed-at',
} as const;
