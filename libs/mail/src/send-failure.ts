import type { NodemailerError } from 'nodemailer';
import { EnsembleError } from '@ensemble/retry';

/** The server's answer that failed a send, when it gave one: `550 …` to `RCPT TO`, say. */
export interface SmtpReply {
  code: number;
  /** The whole reply line, code included. */
  text: string;
  /** The command it answered, as nodemailer names it: `CONN` (the greeting), `EHLO`, `MAIL FROM`, `RCPT TO`, `DATA`, `AUTH PLAIN`… */
  command?: string;
}

/**
 * The mail server cannot take mail from us now: it refuses or drops the connection, does not
 * greet in time, fails TLS or the login, or answers 4xx ("try again later"), or refuses every
 * message of ours whatever it holds (a 5xx to the greeting, EHLO, AUTH or our sender). No email is
 * to blame: a worker waits for the server, and the email keeps its attempts.
 */
export class MailServerUnavailableError extends EnsembleError {
  constructor(
    readonly server: string,
    readonly reply: SmtpReply | undefined,
    cause: unknown,
  ) {
    super(`the mail server at ${server} is unavailable: ${describe(cause)}`, { retriable: true, cause });
  }
}

/**
 * The mail server refused this message: a 5xx for its recipient (`RCPT TO`) or its content
 * (`DATA`, or its size), or nodemailer refused it before sending (no valid recipient). RFC 5321
 * calls a 5xx permanent; a few spaced attempts still catch the refusals that an operator clears (a
 * mailbox not yet created, a policy changed), then the email goes to the dead letters.
 */
export class MessageRefusedError extends EnsembleError {
  constructor(
    readonly server: string,
    readonly messageId: string,
    readonly recipient: string,
    readonly reply: SmtpReply | undefined,
    cause: unknown,
  ) {
    super(`the mail server at ${server} refused message ${messageId} to ${recipient}: ${describe(cause)}`, { retriable: true, cause });
  }
}

/**
 * nodemailer's codes for a connection that could not be made or kept, or a session that could not
 * begin (TLS, login), and Node's own for a socket, in case one arrives unwrapped.
 */
const SERVER_FAILURE_CODES = new Set([
  'ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS', 'ETLS', 'EPROTOCOL', 'EPROXY', 'EAUTH', 'ENOAUTH', 'EOAUTH2', 'EREQUIRETLS', 'EMAXLIMIT',
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
]);

/** nodemailer's codes for a message it refused to send as it was: no valid recipient, larger than the server's SIZE. */
const MESSAGE_FAILURE_CODES = new Set(['EENVELOPE', 'EMESSAGE']);

/** The commands whose 5xx is about the message itself: its recipient, its content. */
const MESSAGE_COMMANDS = new Set(['RCPT TO', 'DATA']);

/**
 * What a failed send says, from the error nodemailer gave:
 * - any 4xx reply, and any failure to connect, greet, secure or log in: the server is unavailable;
 * - a 5xx to `RCPT TO` or `DATA`, or 552 to `MAIL FROM` (the size it declared, RFC 1870), or a
 *   message nodemailer would not send: the message is refused;
 * - any other 5xx (to the greeting, EHLO, STARTTLS, AUTH, our sender in `MAIL FROM`), 503 (commands
 *   out of sequence) and 530 (login required) anywhere: the server is unavailable, since it would
 *   refuse every email alike. nodemailer's own `permanent` flag is not used: it marks 530 to
 *   `MAIL FROM` permanent, which would dead-letter every email while a login is missing.
 * Anything else (a bug, an aborted send) is returned as it is.
 */
export function classifySendFailure(error: unknown, attempt: { server: string; messageId: string; recipient: string }): unknown {
  const { code, responseCode, response, command } = (error ?? {}) as NodemailerError;
  const reply = typeof responseCode === 'number' ? { code: responseCode, text: response ?? String(responseCode), command } : undefined;
  const unavailable = () => new MailServerUnavailableError(attempt.server, reply, error);
  const refused = () => new MessageRefusedError(attempt.server, attempt.messageId, attempt.recipient, reply, error);

  if (reply) {
    if (reply.code >= 500 && reply.code < 600 && reply.code !== 503 && reply.code !== 530) {
      const aboutTheMessage = MESSAGE_COMMANDS.has(command ?? '') || (command === 'MAIL FROM' && reply.code === 552);
      return aboutTheMessage ? refused() : unavailable();
    }
    // 4xx, and a reply nodemailer did not expect at that point (EPROTOCOL).
    return unavailable();
  }
  if (code && SERVER_FAILURE_CODES.has(code)) return unavailable();
  if (code && MESSAGE_FAILURE_CODES.has(code)) return refused();
  return error;
}

/** The server's name without the login that SMTP_URL may carry, for messages and logs. */
export function smtpServerName(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  return `${url.protocol}//${url.host}`;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, command, originalCode } = error as NodemailerError;
  const where = [code && originalCode ? `${code}/${originalCode}` : code, command && `during ${command}`].filter(Boolean).join(' ');
  return where ? `${error.message} (${where})` : error.message;
}
