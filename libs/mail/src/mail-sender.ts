import { OnApplicationShutdown } from '@nestjs/common';
import { createTransport, SMTPPoolOptions, SMTPPoolSentMessageInfo, Transporter } from 'nodemailer';
import type { MailSettings } from '@ensemble/config';
import { EnsembleError } from '@ensemble/retry';
import { Email } from './email';
import { classifySendFailure, smtpServerName } from './send-failure';

/**
 * Kept-open SMTP connections: smtp-server, under MailDev, waits 100 ms before greeting each new
 * connection (to catch clients that talk too soon), so a connection per email is many times slower.
 * More than five connections sent no faster (the commit that set these has the figures); after 100
 * messages a connection is replaced, as nodemailer does by default.
 */
const POOL = { pool: true, maxConnections: 5, maxMessages: 100 } as const;

/**
 * A server that takes the connection but never greets, or stops answering mid-message, fails the
 * send in seconds instead of nodemailer's minutes, so that a worker notices an outage.
 */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as const;

const MESSAGE_ID = /^<[^<>\s@]+@[^<>\s@]+>$/;

/**
 * Sends emails by SMTP to the server at SMTP_URL, from MAIL_FROM, over one pool of kept-open
 * connections. A send resolves once the server has answered 250 to the message; it fails with a
 * {@link MailServerUnavailableError} or a {@link MessageRefusedError}, which say what to do next.
 */
export class MailSender implements OnApplicationShutdown {
  private readonly transport: Transporter<SMTPPoolSentMessageInfo, SMTPPoolOptions>;
  private readonly server: string;

  constructor(settings: MailSettings) {
    this.server = smtpServerName(settings.smtpUrl);
    this.transport = createTransport(
      // The message is built from the strings given, never from a file or a URL named in them.
      { url: settings.smtpUrl, ...POOL, ...TIMEOUTS, disableFileAccess: true, disableUrlAccess: true },
      { from: settings.from },
    );
  }

  async send(email: Email): Promise<void> {
    if (!MESSAGE_ID.test(email.messageId)) {
      throw new EnsembleError(`an email's messageId must be <id@domain>, got ${JSON.stringify(email.messageId)}`, { retriable: false });
    }
    try {
      await this.transport.sendMail({
        messageId: email.messageId,
        to: { name: email.to.name ?? '', address: email.to.email },
        subject: email.subject,
        text: email.text,
        html: email.html,
        headers: email.headers,
      });
    } catch (error) {
      throw classifySendFailure(error, { server: this.server, messageId: email.messageId, recipient: email.to.email });
    }
  }

  /** Closes the idle connections at once and the others after their message; a later send fails. */
  async close(): Promise<void> {
    this.transport.close();
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}
