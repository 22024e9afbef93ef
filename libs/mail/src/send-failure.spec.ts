import type { NodemailerError } from 'nodemailer';
import { classifySendFailure, MailServerUnavailableError, MessageRefusedError, smtpServerName } from './send-failure';

/** An error as nodemailer builds it: an Error with its fields set on it. */
function nodemailerError(fields: { message: string; [field: string]: unknown }): NodemailerError {
  const { message, ...rest } = fields;
  return Object.assign(new Error(message), rest);
}

const attempt = { server: 'smtp://127.0.0.1:1025', messageId: '<invoice-issued.e1@ensemble.local>', recipient: 'ada@example.com' };

/**
 * The errors nodemailer 10.6.1 gave, pooled, against a real MailDev 3.0.0: stopped, frozen
 * (SIGSTOP), answering but unable to store (its mail directory deleted), started with a login, and
 * refusing a recipient, a sender or a size.
 */
const CAPTURED = {
  stopped: nodemailerError({
    message: 'connect ECONNREFUSED 127.0.0.1:1025', code: 'ESOCKET', originalCode: 'ECONNREFUSED', errno: -111, syscall: 'connect', command: 'CONN',
  }),
  frozen: nodemailerError({ message: 'Greeting never received', code: 'ETIMEDOUT', command: 'CONN', timeoutType: 'GREETING_TIMEOUT' }),
  cannotStore: nodemailerError({
    message: "Message failed: 450 ENOENT: no such file or directory, open '/tmp/mx/mail/mkuvq9f9.eml'", code: 'EMESSAGE', responseCode: 450, permanent: false, command: 'DATA',
    response: "450 ENOENT: no such file or directory, open '/tmp/mx/mail/mkuvq9f9.eml'",
  }),
  loginRequired: nodemailerError({
    message: 'Mail command failed: 530 Error: authentication Required', code: 'EENVELOPE', responseCode: 530, permanent: true, command: 'MAIL FROM',
    response: '530 Error: authentication Required',
  }),
  wrongPassword: nodemailerError({
    message: 'Invalid login: 535 Invalid username or password', code: 'EAUTH', responseCode: 535, permanent: true, command: 'AUTH PLAIN',
    response: '535 Invalid username or password',
  }),
  badSender: nodemailerError({
    message: 'Mail command failed: 501 Error: Bad sender address syntax', code: 'EENVELOPE', responseCode: 501, permanent: true, command: 'MAIL FROM',
    response: '501 Error: Bad sender address syntax',
  }),
  badRecipient: nodemailerError({
    message: "Can't send mail - all recipients were rejected: 501 Error: Bad recipient address syntax", code: 'EENVELOPE', responseCode: 501, permanent: true, command: 'RCPT TO',
    response: '501 Error: Bad recipient address syntax', rejected: ['"a..b"@example.com'],
  }),
  tooLarge: nodemailerError({
    message: 'Message failed: 552 Message exceeds maximum allowed size', code: 'EMESSAGE', responseCode: 552, permanent: true, command: 'DATA',
    response: '552 Message exceeds maximum allowed size',
  }),
  noRecipient: nodemailerError({ message: 'No recipients defined', code: 'EENVELOPE', command: 'API' }),
};

/** Errors that nodemailer's smtp-connection builds (`_formatError`) for replies MailDev does not give. */
const BUILT_BY_NODEMAILER = {
  shuttingDown: nodemailerError({ message: 'Connection closed unexpectedly: 421 Server shutting down', code: 'ECONNECTION', responseCode: 421, permanent: false, command: 'CONN', response: '421 Server shutting down' }),
  noServiceGreeting: nodemailerError({ message: 'Invalid greeting. response=554 No SMTP service here', code: 'EPROTOCOL', responseCode: 554, permanent: true, command: 'CONN', response: '554 No SMTP service here' }),
  mailboxBusy: nodemailerError({ message: "Can't send mail - all recipients were rejected: 450 Mailbox busy", code: 'EENVELOPE', responseCode: 450, permanent: false, command: 'RCPT TO', response: '450 Mailbox busy' }),
  unknownUser: nodemailerError({ message: "Can't send mail - all recipients were rejected: 550 5.1.1 User unknown", code: 'EENVELOPE', responseCode: 550, permanent: true, command: 'RCPT TO', response: '550 5.1.1 User unknown' }),
  declaredTooLarge: nodemailerError({ message: 'Mail command failed: 552 Error: message exceeds fixed maximum message size 1000', code: 'EENVELOPE', responseCode: 552, permanent: true, command: 'MAIL FROM', response: '552 Error: message exceeds fixed maximum message size 1000' }),
  outOfSequence: nodemailerError({ message: 'Data command failed: 503 Error: need RCPT command', code: 'EENVELOPE', responseCode: 503, permanent: false, command: 'DATA', response: '503 Error: need RCPT command' }),
  reset: nodemailerError({ message: 'read ECONNRESET', code: 'ESOCKET', originalCode: 'ECONNRESET', command: 'CONN' }),
  tls: nodemailerError({ message: 'Error initiating TLS - wrong version number', code: 'ETLS', command: 'CONN' }),
  closed: nodemailerError({ message: 'Connection closed unexpectedly', code: 'ECONNECTION', command: 'CONN' }),
  unknownHost: nodemailerError({ message: 'getaddrinfo ENOTFOUND mail.invalid', code: 'EDNS', originalCode: 'ENOTFOUND', command: 'CONN' }),
};

describe('classifySendFailure', () => {
  describe.each<[string, NodemailerError]>([
    ['a stopped MailDev (connection refused)', CAPTURED.stopped],
    ['a frozen MailDev (no greeting in time)', CAPTURED.frozen],
    ['a MailDev that cannot store the message (450 to DATA)', CAPTURED.cannotStore],
    ['530 to MAIL FROM (a login is required), although nodemailer calls it permanent', CAPTURED.loginRequired],
    ['535 to AUTH (a wrong password)', CAPTURED.wrongPassword],
    ['501 to MAIL FROM (our sender, the same for every email)', CAPTURED.badSender],
    ['421 (the server is shutting down)', BUILT_BY_NODEMAILER.shuttingDown],
    ['554 as the greeting', BUILT_BY_NODEMAILER.noServiceGreeting],
    ['a 4xx to RCPT TO (the mailbox is busy)', BUILT_BY_NODEMAILER.mailboxBusy],
    ['503 (commands out of sequence)', BUILT_BY_NODEMAILER.outOfSequence],
    ['a reset connection', BUILT_BY_NODEMAILER.reset],
    ['a TLS failure', BUILT_BY_NODEMAILER.tls],
    ['a connection closed mid-session', BUILT_BY_NODEMAILER.closed],
    ['a host name that does not resolve', BUILT_BY_NODEMAILER.unknownHost],
  ])('%s', (_, error) => {
    it('says the mail server is unavailable, a retry helps, and keeps the reply and the cause', () => {
      const failure = classifySendFailure(error, attempt);
      expect(failure).toBeInstanceOf(MailServerUnavailableError);
      expect(failure).toMatchObject({ retriable: true, server: attempt.server, cause: error });
      expect((failure as MailServerUnavailableError).reply?.code).toBe(error.responseCode);
    });
  });

  describe.each<[string, NodemailerError]>([
    ['501 to RCPT TO (an address MailDev will not take)', CAPTURED.badRecipient],
    ['552 to DATA (larger than MailDev takes)', CAPTURED.tooLarge],
    ['no recipient nodemailer would send to', CAPTURED.noRecipient],
    ['550 to RCPT TO (an unknown user)', BUILT_BY_NODEMAILER.unknownUser],
    ['552 to MAIL FROM (the size it declared)', BUILT_BY_NODEMAILER.declaredTooLarge],
  ])('%s', (_, error) => {
    it('says the message is refused, naming it, its recipient and the reply', () => {
      const failure = classifySendFailure(error, attempt);
      expect(failure).toBeInstanceOf(MessageRefusedError);
      expect(failure).toMatchObject({ retriable: true, messageId: attempt.messageId, recipient: attempt.recipient, cause: error });
      expect((failure as Error).message).toBe(
        `the mail server at smtp://127.0.0.1:1025 refused message <invoice-issued.e1@ensemble.local> to ada@example.com: ${error.message} (${error.code} during ${error.command})`,
      );
    });
  });

  it('names the refusal and the command it answered', () => {
    expect(classifySendFailure(CAPTURED.badRecipient, attempt)).toMatchObject({
      reply: { code: 501, text: '501 Error: Bad recipient address syntax', command: 'RCPT TO' },
    });
  });

  it('names the server and what failed where, with the system error under nodemailer’s code', () => {
    expect((classifySendFailure(CAPTURED.stopped, attempt) as Error).message).toBe(
      'the mail server at smtp://127.0.0.1:1025 is unavailable: connect ECONNREFUSED 127.0.0.1:1025 (ESOCKET/ECONNREFUSED during CONN)',
    );
  });

  it('returns any other error as it is', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'email')");
    const aborted = nodemailerError({ message: 'Message sending aborted', code: 'EABORT' });
    expect(classifySendFailure(bug, attempt)).toBe(bug);
    expect(classifySendFailure(aborted, attempt)).toBe(aborted);
    expect(classifySendFailure(undefined, attempt)).toBeUndefined();
  });
});

describe('smtpServerName', () => {
  it('leaves out the login SMTP_URL may carry', () => {
    expect(smtpServerName('smtps://notifications:s3cret@mail.example.com:465')).toBe('smtps://mail.example.com:465');
    expect(smtpServerName('smtp://127.0.0.1:1025')).toBe('smtp://127.0.0.1:1025');
  });
});
