import { existsSync, rmSync } from 'node:fs';
import { Injectable } from '@nestjs/common';
import { DataSource, Not } from 'typeorm';
import { isDatabaseUnavailable } from '@ensemble/database';
import { MailSender, MailServerUnavailableError } from '@ensemble/mail';
import { OutboxWriter } from '@ensemble/outbox';
import { startProcessSpan } from '@ensemble/tracing';
import { Job, WorkUnavailableError } from '@ensemble/work-queue';
import { EMAIL_QUEUE, EmailJob, parseEmailJob } from './email-job';
import { Email } from './email.entity';
import { renderEmail } from './render-email';

/**
 * Sends one email job, once as far as SMTP allows: a job whose email is recorded as sent is done
 * without sending (a redelivery); otherwise the email is rendered, handed to the mail server, and
 * recorded as sent together with its EmailSent announcement in one transaction. A crash between the
 * mail server's acceptance and that record sends it again on redelivery, with the same Message-ID.
 *
 * Whatever the job needs that is down (the mail server, the database) is an outage: the worker
 * pauses and the job keeps its attempts. Anything else fails the job on its own.
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
    try {
      const row = await this.dataSource.manager.findOneBy(Email, { id: email.emailId });
      if (!row || row.messageId !== email.messageId || row.recipient !== email.recipient) {
        throw new Error(`the job matches no email queued by this service (${email.emailId})`);
      }
      if (row.status === 'sent' || this.sending.has(email.emailId)) return;
      this.sending.add(email.emailId);
      try {
        const { subject, text, html } = renderEmail(email);
        await this.mail.send({ messageId: email.messageId, to: { email: email.recipient }, subject, text, html });
        killIfAskedAfterSending();
        await this.recordSent(email, subject, job.attempts + 1, traceparent);
      } finally {
        this.sending.delete(email.emailId);
      }
    } catch (error) {
      if (error instanceof MailServerUnavailableError || isDatabaseUnavailable(error)) throw new WorkUnavailableError((error as Error).message, { cause: error });
      throw error;
    }
  }

  /** Marks the email sent and announces it, unless a delivery before this one already did. */
  private async recordSent(email: EmailJob, subject: string, attempts: number, traceparent: string): Promise<void> {
    const sentAt = new Date();
    await this.dataSource.transaction(async (manager) => {
      const { affected } = await manager.update(Email, { id: email.emailId, status: Not('sent') }, { status: 'sent', attempts, sentAt, failure: null });
      if (!affected) return;
      await this.outbox.appendAll(manager, 'EmailSent', [
        {
          aggregate: { type: 'Email', id: email.emailId },
          facts: {
            emailId: email.emailId,
            messageId: email.messageId,
            kind: email.kind,
            paymentId: email.paymentId,
            recipient: email.recipient,
            subject,
            queuedAt: email.queuedAt,
            sentAt: sentAt.getTime(),
            attempts,
          },
          origin: { correlationId: email.cause.correlationId, causationId: email.cause.eventId, traceparent },
        },
      ]);
    });
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
