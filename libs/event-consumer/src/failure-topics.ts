import { RETRY_ROUNDS, ServiceName } from '@ensemble/config';

export interface FailureTopics {
  /** `<service>.retry-<round>`, round 1 first. */
  retries: string[];
  deadLetter: string;
}

/** Each consuming service's own retry and dead-letter topics (declared in infra/topics.yaml, which a spec checks against them). */
export function failureTopics(service: ServiceName): FailureTopics {
  return {
    retries: Array.from({ length: RETRY_ROUNDS }, (_, index) => `${service}.retry-${index + 1}`),
    deadLetter: `${service}.dead-letter`,
  };
}

/** Headers a rerouted record carries, besides the original record's own. */
export const FAILURE_HEADERS = {
  originalTopic: 'ensemble-original-topic',
  originalPartition: 'ensemble-original-partition',
  originalOffset: 'ensemble-original-offset',
  consumerGroup: 'ensemble-consumer-group',
  /** A {@link Failure}'s reason: an UndecodableReason, `handler-failed`, `constraint-violation`, `invalid-failure-headers`, … */
  reason: 'ensemble-error-reason',
  error: 'ensemble-error',
  /** Rounds through the retry topics so far. */
  attempts: 'ensemble-attempts',
  /** Epoch milliseconds before which a retry-topic record is not tried. */
  retryAt: 'ensemble-retry-at',
  failedAt: 'ensemble-failed-at',
  /** A retry record's signature by its service (RetrySigner): a retry without a valid one is refused. */
  signature: 'ensemble-signature',
} as const;
