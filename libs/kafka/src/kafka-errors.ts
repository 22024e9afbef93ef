/** Broker answers that no retry changes: the record as it is will never be taken. */
const REFUSED_FOR_GOOD = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE', 'TOPIC_AUTHORIZATION_FAILED']);

/** Whether a send failed because the broker refuses the records themselves, looking through kafkajs's wrappers. */
export function isRefusedForGood(error: unknown): boolean {
  for (let cause = error as { type?: string; originalError?: unknown; cause?: unknown } | undefined; cause; cause = (cause.originalError ?? cause.cause) as typeof cause) {
    if (cause.type && REFUSED_FOR_GOOD.has(cause.type)) return true;
  }
  return false;
}

/** Whether an error is the Kafka client's (a broker that is away, a request that failed), not a fault of the caller's. */
export function isKafkaError(error: unknown): boolean {
  return error instanceof Error && error.name.startsWith('KafkaJS');
}
