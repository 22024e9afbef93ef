import { existsSync, rmSync } from 'node:fs';
import { Injectable } from '@nestjs/common';
import { DataSource, Not } from 'typeorm';
import { isDatabaseUnavailable } from '@ensemble/database';
import { MailSender, MailServerUnavailableError } from '@ensemble/mail';
import { EventEntry, OutboxWriter } from '@ensemble/outbox';
import { startProcessSpan } from '@ensemble/tracing';
import { isRetriable, retry } from '@ensemble/retry';
import { Job, WorkUnavailableError } from '@ensemble/work-queue';
import { EMAIL_QUEUE, EmailJob, parseEmailJob } from './email-job';
import { Email } from './email.entity';
import { renderEmail } from './render-email';

/**
 * Sends one email job, once as far as SMTP allows: a job whose email is recorded as sent is done
 * without sending (a redelivery); otherwise the email is rendered, its EmailSent checked, the email
 * handed to the mail server, and recorded as sent together with its EmailSent in one transaction,
 * tried again in place. A crash between the mail server's acceptance and that record, or a database
 * away for longer than the record's tries, sends it again on redelivery, with the same Message-ID.
 *
 * Whatever the job needs that is down (the mail server, the database, the registry) is an outage:
 * the worker pauses and the job keeps its attempts. Anything else fails the job on its own.
 */
@Injectable()
export class EmailDelivery {
  /** Emails this worker is sending: a second copy of a job (a publish the relay repeated) is not sent beside the first. */
  private readonly sending = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly mail: MailSender,
  ) {}

  /** Delivers the job under a span of its own, a child of the relay's that queued it. */
  async deliver(job: Job): Promise<void> {
    const span = startProcessSpan(job.headers.traceparent, { system: 'rabbitmq', topic: EMAIL_QUEUE, eventId: job.messageId, eventType: job.headers['job-kind'] }, 'notifications');
    try {
      await span.run(() => this.send(job, span.traceparent));
      span.end();
    } catch (error) {
      span.end(error instanceof WorkUnavailableError ? 'outage' : 'failed');
      throw error;
    }
  }

  private async send(job: Job, traceparent: string): Promise<void> {
    const email = parseEmailJob(job.body);
    const row = await outageIf(isDatabaseUnavailable, () => this.dataSource.manager.findOneBy(Email, { id: email.emailId }));
    if (!row || row.messageId !== email.messageId || row.recipient !== email.recipient) {
      throw new Error(`the job matches no email queued by this service (${email.emailId})`);
    }
    if (row.status === 'sent' || this.sending.has(email.emailId)) return;
    this.sending.add(email.emailId);
    try {
      const { subject, text, html } = renderEmail(email);
      const announcement = (sentAt: number) => emailSent(email, subject, job.attempts + 1, sentAt, traceparent);
      // What the record needs is checked before the email goes out (the registry that encodes its EmailSent above all), so that little is left to fail after it.
      // A registry that does not answer is an outage; an EmailSent its schema cannot hold, or too large, is the job's own failure.
      await outageIf(isRetriable, () => this.outbox.prepare('EmailSent', [announcement(Date.now())]));
      await outageIf((error) => error instanceof MailServerUnavailableError, () =>
        this.mail.send({ messageId: email.messageId, to: { email: email.recipient }, subject, text, html }),
      );
      killIfAskedAfterSending();
      // Sent: only the record is left, tried again in place, since giving up here sends the email once more.
      await retry(() => this.recordSent(announcement(Date.now())), RECORD_RETRIES).catch((error: unknown) => {
        throw new WorkUnavailableError(`sent, but not recorded after ${RECORD_RETRIES.attempts} tries; it will be sent again: ${(error as Error).message}`, { cause: error });
      });
    } finally {
      this.sending.delete(email.emailId);
    }
  }

  /** Marks the email sent and announces it, unless a delivery before this one already did. */
  private async recordSent(sent: EventEntry<'EmailSent'>): Promise<void> {
    const { emailId, attempts, sentAt } = sent.facts;
    await this.dataSource.transaction(async (manager) => {
      const { affected } = await manager.update(Email, { id: emailId, status: Not('sent') }, { status: 'sent', attempts, sentAt: new Date(sentAt), failure: null });
      if (affected) await this.outbox.appendAll(manager, 'EmailSent', [sent]);
    });
  }
}

/** About 15 s of tries, the backoff doubling from 200 ms to at most 5 s. */
const RECORD_RETRIES = { attempts: 8, initialMs: 200, maxMs: 5_000 };

/** An email's EmailSent: in the conversation of the event that called for it, caused by it. */
function emailSent(email: EmailJob, subject: string, attempts: number, sentAt: number, traceparent: string): EventEntry<'EmailSent'> {
  return {
    aggregate: { type: 'Email', id: email.emailId },
    facts: {
      emailId: email.emailId,
      messageId: email.messageId,
      kind: email.kind,
      paymentId: email.paymentId,
      recipient: email.recipient,
      subject,
      queuedAt: email.queuedAt,
      sentAt,
      attempts,
    },
    origin: { correlationId: email.cause.correlationId, causationId: email.cause.eventId, traceparent },
  };
}

/** Runs `work`; a failure that `isOutage` says is something the job needs being down becomes a WorkUnavailableError (the worker pauses, the job keeps its attempts). */
async function outageIf<T>(isOutage: (error: unknown) => boolean, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isOutage(error)) throw new WorkUnavailableError((error as Error).message, { cause: error });
    throw error;
  }
}

/**
 * A test hook, for the crash between the mail server's acceptance and the worker's record: when
 * NOTIFICATIONS_KILL_AFTER_SEND_FILE names a file that exists, the process deletes it and kills
 * itself there, as a crash would. Unset, it costs one environment lookup.
 */
function killIfAskedAfterSending(): void {
  const file = process.env.NOTIFICATIONS_KILL_AFTER_SEND_FILE;
  if (!file || !existsSync(file)) return;
  rmSync(file, { force: true });
  process.kill(process.pid, 'SIGKILL');
}
