import type { Message } from 'amqplib';
import { attemptsOf, headersAsStrings, JOB_HEADERS } from './job';

/** A job in the dead-letter queue, as an operator lists it. */
export interface DeadLetter {
  messageId: string;
  /** Why its last attempt failed. */
  reason: string;
  /** Failed attempts in all. */
  attempts: number;
  /** When its last attempt failed; undefined if the header is missing or unreadable. */
  failedAt?: Date;
}

/** A dead letter's headers: the job's own, and why, after how many attempts and when it failed for the last time. */
export function deadLetterHeaders(jobHeaders: Record<string, string>, failure: { reason: string; attempts: number; failedAt: Date }): Record<string, string> {
  return {
    ...jobHeaders,
    [JOB_HEADERS.attempts]: String(failure.attempts),
    [JOB_HEADERS.failureReason]: failure.reason,
    [JOB_HEADERS.failedAt]: failure.failedAt.toISOString(),
  };
}

/** A dead letter's headers for its way back to the work queue: attempts start over, the failure goes, the redrive is dated. */
export function redrivenHeaders(headers: Record<string, string>, redrivenAt: Date): Record<string, string> {
  const { [JOB_HEADERS.attempts]: _attempts, [JOB_HEADERS.failureReason]: _reason, [JOB_HEADERS.failedAt]: _failedAt, ...jobHeaders } = headers;
  return { ...jobHeaders, [JOB_HEADERS.redrivenAt]: redrivenAt.toISOString() };
}

/** Reads a dead letter's headers; one written by hand or by an older version still lists, with what can be read. */
export function deadLetterOf(message: Message): DeadLetter {
  const headers = headersAsStrings(message.properties.headers);
  const failedAt = new Date(headers[JOB_HEADERS.failedAt] ?? '');
  return {
    messageId: typeof message.properties.messageId === 'string' ? message.properties.messageId : '',
    reason: headers[JOB_HEADERS.failureReason] ?? '(no reason recorded)',
    attempts: attemptsOf(message.properties.headers),
    failedAt: Number.isNaN(failedAt.getTime()) ? undefined : failedAt,
  };
}
