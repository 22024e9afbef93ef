import type { Message, MessageProperties } from 'amqplib';

/** A job as a worker's handler receives it. */
export interface Job {
  /** Set by the publisher; the same on every delivery of the job, for the handler to deduplicate on. */
  messageId: string;
  body: Buffer;
  /** The publisher's headers and the work queue's own (see {@link JOB_HEADERS}), as strings. */
  headers: Record<string, string>;
  /** Failed attempts so far: 0 on the first run, 1 after the first retry delay, and so on. */
  attempts: number;
  /** True when RabbitMQ delivered it before without an acknowledgement: a worker may have handled it already. */
  redelivered: boolean;
}

/** A job as a publisher hands it over. */
export interface NewJob {
  messageId: string;
  body: Buffer;
  headers: Record<string, string>;
}

/** The headers the work queue itself writes on a job. */
export const JOB_HEADERS = {
  /** Failed attempts so far, written when a failed job is sent to a delay queue or dead-lettered. */
  attempts: 'attempts',
  /** Why the last attempt failed, on a dead letter. */
  failureReason: 'failure-reason',
  /** When the last attempt failed (ISO 8601), on a dead letter. */
  failedAt: 'failed-at',
  /** When a dead letter was sent back to the work queue (ISO 8601). */
  redrivenAt: 'redriven-at',
} as const;

/** A failure reason is kept to this many characters: a header is no place for a stack of nested causes. */
export const MAX_REASON_LENGTH = 1_000;

/**
 * The attempts a job's header claims, read defensively: the header is written by whoever published
 * the job, and a forged or garbled value must neither crash the worker nor buy a job endless retries.
 * Anything but a whole number of at least 0 counts as no failed attempt yet; a number beyond the
 * retries sends the job to the dead-letter queue on its next failure.
 */
export function attemptsOf(headers: MessageProperties['headers']): number {
  const value: unknown = headers?.[JOB_HEADERS.attempts];
  const attempts = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,9}$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isSafeInteger(attempts) && attempts >= 0 ? attempts : 0;
}

/**
 * The job's headers as strings, without RabbitMQ's own (`x-death` and the like, which record its
 * trips through the delay queues): what a handler reads and what is sent on when the job is retried.
 * Values that are not text, numbers or booleans are left out.
 */
export function headersAsStrings(headers: MessageProperties['headers']): Record<string, string> {
  const strings: Record<string, string> = {};
  for (const name in headers) {
    if (name.startsWith('x-')) continue;
    const value: unknown = headers[name];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') strings[name] = String(value);
  }
  return strings;
}

export function jobOf(message: Message & { fields: { redelivered: boolean } }): Job {
  const { headers, messageId } = message.properties;
  return {
    messageId: typeof messageId === 'string' ? messageId : '',
    body: message.content,
    headers: headersAsStrings(headers),
    attempts: attemptsOf(headers),
    redelivered: message.fields.redelivered,
  };
}

/** The reason an error gives, for a header or an event: its message, cut to {@link MAX_REASON_LENGTH}. */
export function failureReason(error: unknown): string {
  const reason = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  return reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH - 1)}…` : reason;
}
