import { EnsembleError } from '@ensemble/retry';

/**
 * Thrown by a job's handler when what the job needs is down (the mail server refuses connections):
 * an outage, not a fault of the job. The job goes back to its queue as it was, its attempts
 * unchanged, and the worker stops taking jobs for a while; an outage never dead-letters a job.
 */
export class WorkUnavailableError extends EnsembleError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retriable: true, cause: options.cause });
  }
}

/** An AMQP error as amqplib reports a channel or connection the broker closed. */
interface AmqpCloseError {
  code?: unknown;
  classId?: unknown;
  methodId?: unknown;
}

const PRECONDITION_FAILED = 406;
const BASIC_PUBLISH = { classId: 60, methodId: 40 };

/**
 * Whether the broker closed a channel because of a message published on it, so that sending the same
 * message again can never succeed: RabbitMQ closes the channel with 406 PRECONDITION_FAILED on
 * basic.publish for a message larger than its `max_message_size`. amqplib hands each unconfirmed
 * message of the channel a bare "channel closed"; the close itself comes as the channel's error.
 * A nack is not such a refusal: RabbitMQ nacks when a queue refuses more for now or on an internal
 * error, and amqplib's "message nacked" says nothing more.
 */
export function isMessageRefusal(channelError: unknown): boolean {
  const error = channelError as AmqpCloseError | undefined;
  return error?.code === PRECONDITION_FAILED && error.classId === BASIC_PUBLISH.classId && error.methodId === BASIC_PUBLISH.methodId;
}

/**
 * A publish that was not confirmed. Retriable unless the broker refused a message of it for good
 * ({@link isRefusedForGood}); then the rest of a batch may well have failed only because the
 * channel closed under them.
 */
export class WorkQueuePublishFailed extends EnsembleError {
  readonly refusedForGood: boolean;

  constructor(message: string, options: { cause?: unknown; refusedForGood?: boolean } = {}) {
    const refusedForGood = options.refusedForGood ?? false;
    super(message, { retriable: !refusedForGood, cause: options.cause });
    this.refusedForGood = refusedForGood;
  }
}

/**
 * Whether a publish failed because the broker, or amqplib before it, refuses a message as it is:
 * larger than the broker's `max_message_size`, or with headers too large for amqplib to encode.
 * Sending it again can never succeed; find it by sending the batch one by one and set it aside.
 * Every other failure (a lost connection, a nack, a queue gone missing) is worth sending again.
 */
export function isRefusedForGood(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof WorkQueuePublishFailed) return cause.refusedForGood;
  }
  return false;
}
