import { mkdirSync, rmSync } from 'node:fs';
import { Email, MailSender, MailServerUnavailableError, MessageRefusedError } from '@ensemble/mail';
import { messageIdOf, PrivateMailDev } from '@ensemble/testing';

/** A MailDev of this spec's own, which it stops and starts: not npm start's (1025/1080) nor the test stack's (11025/11080). */
const maildev = new PrivateMailDev({ smtp: 21025, web: 21080 });
let sender: MailSender;
let sent = 0;

function anEmail(overrides: Partial<Email> = {}): Email {
  sent += 1;
  return {
    messageId: `<mail-sender-spec.${sent}.${Date.now()}@ensemble.local>`,
    to: { email: 'ada@example.com', name: 'Ada Lovelace' },
    subject: `Invoice 2026-${String(sent).padStart(6, '0')}`,
    text: 'Your invoice: 2 × SKU-1, €20.00.',
    html: '<p>Your invoice: 2 &times; SKU-1, <b>€20.00</b>.</p>',
    ...overrides,
  };
}

beforeAll(async () => {
  await maildev.start();
  sender = new MailSender({ smtpUrl: maildev.smtpUrl, from: 'Ensemble <notifications@ensemble.local>', webUrl: maildev.webUrl });
});

afterAll(async () => {
  await sender?.close();
  await maildev.destroy();
});

describe('MailSender against a real MailDev', () => {
  it('delivers an email once, with its Message-ID, sender, recipient, subject and both parts', async () => {
    const email = anEmail({ headers: { 'X-Ensemble-Cause': 'e-42' } });
    await sender.send(email);

    const [arrived] = await maildev.client.waitForEmails((candidate) => messageIdOf(candidate) === email.messageId, { description: email.messageId });
    expect((await maildev.client.emails()).filter((candidate) => messageIdOf(candidate) === email.messageId)).toHaveLength(1);
    expect(arrived).toMatchObject({
      subject: email.subject,
      to: [{ address: 'ada@example.com', name: 'Ada Lovelace' }],
      from: [{ address: 'notifications@ensemble.local', name: 'Ensemble' }],
      envelope: { to: [{ address: 'ada@example.com' }] },
      headers: expect.objectContaining({ 'x-ensemble-cause': 'e-42' }),
    });
    const full = await maildev.client.email(arrived.id);
    expect(full.text?.trim()).toBe(email.text);
    expect(full.html).toBe(email.html);
  });

  it('fails with MessageRefusedError for a recipient MailDev refuses (501 to RCPT TO), and sends the next email', async () => {
    const refused = anEmail({ to: { email: 'ada..lovelace@example.com' } });
    const failure = await sender.send(refused).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(MessageRefusedError);
    expect(failure).toMatchObject({
      messageId: refused.messageId,
      recipient: 'ada..lovelace@example.com',
      reply: { code: 501, command: 'RCPT TO', text: '501 Error: Bad recipient address syntax' },
    });
    const next = anEmail();
    await sender.send(next);
    await maildev.client.waitForEmails((candidate) => messageIdOf(candidate) === next.messageId, { description: next.messageId });
    expect((await maildev.client.emails()).map(messageIdOf)).not.toContain(refused.messageId);
  });

  it('fails with MailServerUnavailableError (450 to DATA) while MailDev cannot store mail, and sends once it can', async () => {
    rmSync(maildev.mailDirectory, { recursive: true, force: true });
    try {
      const failure = await sender.send(anEmail()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MailServerUnavailableError);
      expect(failure).toMatchObject({ reply: { code: 450, command: 'DATA' } });
    } finally {
      mkdirSync(maildev.mailDirectory, { recursive: true });
    }
    const email = anEmail();
    await sender.send(email);
    await maildev.client.waitForEmails((candidate) => messageIdOf(candidate) === email.messageId, { description: email.messageId });
  });

  it('fails with MailServerUnavailableError while MailDev is down, and the same sender sends once it is back', async () => {
    await sender.send(anEmail()); // a pooled connection is open when MailDev goes
    // Killed rather than stopped: a graceful stop waits 10 s for the connected sender, and this spec is about what follows.
    await maildev.kill();
    const failure = await sender.send(anEmail()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MailServerUnavailableError);
    expect(failure).toMatchObject({ retriable: true, server: maildev.smtpUrl, cause: expect.objectContaining({ code: 'ESOCKET', originalCode: 'ECONNREFUSED' }) });

    await maildev.start();
    const email = anEmail();
    await sender.send(email);
    await maildev.client.waitForEmails((candidate) => messageIdOf(candidate) === email.messageId, { description: email.messageId });
  });
});
