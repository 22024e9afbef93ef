import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadPlatformConfig, ProcessName } from '@ensemble/config';
import { createKafka } from '@ensemble/kafka/create-kafka';
import { ReplayClient } from '@ensemble/replay';
import { pollUntil } from '@ensemble/retry';
import { Choreography, eventually, MailDevEmail, messageIdOf, paymentBody, postPayment, PrivateMailDev, PrivateRabbitMqNode, projectionChecksum, skipNotificationsBacklog } from '@ensemble/testing';

const config = loadPlatformConfig();
const kafka = createKafka(config, 'notifications-spec');
const RUN = randomUUID().slice(0, 8);
const ADMIN_TOKEN = `notifications-spec-${RUN}`;
const home = mkdtempSync(join(tmpdir(), 'ensemble-notifications-spec-'));
/** Created by the spec to make the worker kill itself between the mail server's acceptance and its record (see EmailDelivery). */
const KILL_AFTER_SEND = join(home, 'kill-after-send');
const PREFETCH = 10;
/** The mail server's size limit while a spec wants large emails refused: a payment of one item makes emails of 2–4 kB. */
const MAX_MESSAGE_BYTES = 12_000;
const SERVICES: ProcessName[] = ['payments', 'invoice', 'shipping', 'notifications'];

type Notification = { id: string; kind: string; messageId: string; recipient: string | null; subject: string; status: string; attempts: number; failure: string | null };

/**
 * The notifications service against a RabbitMQ node and a MailDev of the spec's own, which it stops,
 * kills and restarts: the test stack's are never touched. Each test writes to recipients of its
 * own, so that the emails of earlier specs' payments, which the service sends here too, are not counted.
 */
describe('notifications: InvoiceIssued and ShipmentScheduled become email jobs on RabbitMQ, sent to a real mail server', () => {
  const rabbit = new PrivateRabbitMqNode({ label: 'notifications-spec', amqpPort: 15675, baseDir: join(home, 'rabbitmq') });
  const mail = new PrivateMailDev({ smtp: 11125, web: 11180 });
  const choreography = new Choreography(
    {
      ADMIN_TOKEN,
      RABBITMQ_URL: rabbit.url,
      SMTP_URL: mail.smtpUrl,
      MAIL_WEB_URL: mail.webUrl,
      WORK_QUEUE_PREFETCH: String(PREFETCH),
      WORK_QUEUE_RETRY_DELAYS_MS: '300,600',
      NOTIFICATIONS_KILL_AFTER_SEND_FILE: KILL_AFTER_SEND,
    },
    3270,
  );
  const db = new Client({ connectionString: config.databases.notifications });
  let recipientCount = 0;
  const recipient = (label: string) => `${label}-${RUN}-${++recipientCount}@example.com`;

  beforeAll(async () => {
    await Promise.all([rabbit.start(), mail.start(), db.connect()]);
    await skipNotificationsBacklog(kafka, config);
    await choreography.start(SERVICES);
  }, 240_000);

  afterAll(async () => {
    await choreography.stop();
    await Promise.all([rabbit.stop(), mail.kill(), db.end()]);
    await rabbit.remove();
    await mail.destroy();
    rmSync(home, { recursive: true, force: true });
  }, 60_000);

  async function post(customerEmail: string, seed = 1, items?: Array<{ sku: string; quantity: number; unitPriceMinor: number }>): Promise<string> {
    const body = { ...paymentBody(seed), customerEmail, ...(items ? { items, amountMinor: items.reduce((sum, item) => sum + item.quantity * item.unitPriceMinor, 0) } : {}) };
    const { status, body: payment } = await postPayment(choreography.url('payments'), body);
    expect(status).toBe(201);
    return payment.id as string;
  }

  async function notificationsOf(paymentId: string): Promise<Notification[]> {
    return (await fetch(`${choreography.url('notifications')}/notifications?paymentId=${paymentId}`)).json() as Promise<Notification[]>;
  }

  const to = (addresses: Set<string>) => (email: MailDevEmail) => email.to.some(({ address }) => addresses.has(address));

  async function emailsTo(addresses: Set<string>): Promise<MailDevEmail[]> {
    return (await mail.client.emails()).filter(to(addresses));
  }

  it('sends one payment its invoice and its shipment emails, once each, to the customer, with the figures of the events', async () => {
    const customer = recipient('one');
    const paymentId = await post(customer, 3);
    const emails = await mail.client.waitForEmails(to(new Set([customer])), { description: 'the invoice and the shipment email', count: 2, timeoutMs: 30_000 });

    const [invoice] = (await (await fetch(`${choreography.url('invoice')}/invoices?paymentId=${paymentId}`)).json()) as Array<{ number: string }>;
    const [shipment] = (await (await fetch(`${choreography.url('shipping')}/shipments?paymentId=${paymentId}`)).json()) as Array<{ scheduledFor: string }>;
    const invoiceEmail = emails.find((email) => email.subject.includes(invoice.number))!;
    const shipmentEmail = emails.find((email) => email !== invoiceEmail)!;
    expect(invoiceEmail.subject).toBe(`Your invoice ${invoice.number}`);
    // paymentBody(3): one item at 10.03 USD.
    expect(invoiceEmail.text).toContain('10.03');
    expect(shipmentEmail.subject).toContain(new Date(shipment.scheduledFor).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }));
    expect(shipmentEmail.html).toContain('Ada Lovelace');

    const listed = await eventually(async () => {
      const found = await notificationsOf(paymentId);
      return found.length === 2 && found.every((email) => email.status === 'sent') ? found : undefined;
    }, 'both emails recorded as sent');
    expect(listed.map((email) => ({ recipient: email.recipient, attempts: email.attempts, failure: email.failure }))).toEqual(listed.map(() => ({ recipient: customer, attempts: 1, failure: null })));
    expect(new Set(emails.map(messageIdOf))).toEqual(new Set(listed.map((email) => email.messageId)));

    // Once: nothing more arrives for this customer.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await emailsTo(new Set([customer]))).toHaveLength(2);
  });

  it('answers 400 naming the parameter when paymentId is not a UUID, and an empty list for an unknown payment', async () => {
    const bad = await fetch(`${choreography.url('notifications')}/notifications?paymentId=${encodeURIComponent("1' OR '1'='1")}`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { fields: Array<{ field: string }> } }).error.fields[0].field).toBe('query paymentId');
    expect(await notificationsOf(randomUUID())).toEqual([]);
  });

  it('makes customer-supplied text harmless in the emails: markup escaped, line separators flattened, nobody else addressed', async () => {
    const customer = recipient('markup');
    const sku = '<img src=x onerror=alert(1)>\u2028Bcc: victim@example.com';
    const body = {
      ...paymentBody(5),
      customerEmail: customer,
      items: [{ sku, quantity: 1, unitPriceMinor: 1_000 }],
      amountMinor: 1_000,
      shippingAddress: { name: '<script>alert(1)</script>\u0085To: victim@example.com', line1: '1 "Quoted" & Co', city: 'London', postalCode: 'N1', country: 'GB' },
    };
    const { status } = await postPayment(choreography.url('payments'), body);
    expect(status).toBe(201);
    const emails = await mail.client.waitForEmails(to(new Set([customer])), { description: 'the two emails of the payment with markup', count: 2, timeoutMs: 30_000 });
    for (const email of emails) {
      expect(email.envelope.to.map(({ address }) => address)).toEqual([customer]);
      expect(email.headers.bcc).toBeUndefined();
      expect(email.subject).not.toMatch(/[\r\n\u2028\u0085]/);
      const html = await mail.client.html(email.id);
      expect(html).not.toMatch(/<img src=x|<script>/);
    }
    const htmls = await Promise.all(emails.map((email) => mail.client.html(email.id)));
    expect(htmls.join('')).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(htmls.join('')).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('waits out a mail server that is down, the jobs keeping their attempts, and sends everything once it is back', async () => {
    await mail.kill();
    const customers = [recipient('outage'), recipient('outage'), recipient('outage')];
    const payments = await Promise.all(customers.map((customer, seed) => post(customer, seed)));
    const queued = await eventually(async () => {
      const found = (await Promise.all(payments.map(notificationsOf))).flat();
      return found.length === 6 ? found : undefined;
    }, 'six emails queued');
    // A few seconds of outage: the worker pauses and tries again; no job spends an attempt or is dead-lettered.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const waiting = (await Promise.all(payments.map(notificationsOf))).flat();
    expect(waiting.map(({ status, attempts }) => ({ status, attempts }))).toEqual(queued.map(() => ({ status: 'queued', attempts: 0 })));
    await eventually(async () => /^ensemble_notifications_worker_paused 1$/m.test(await (await fetch(`${choreography.url('notifications')}/metrics`)).text()) || undefined, 'the worker to say it is paused');

    await mail.start();
    const emails = await mail.client.waitForEmails(to(new Set(customers)), { description: 'the six emails after the outage', count: 6, timeoutMs: 60_000 });
    expect(new Set(emails.map(messageIdOf)).size).toBe(6);
    const sent = await eventually(async () => {
      const found = (await Promise.all(payments.map(notificationsOf))).flat();
      return found.every((email) => email.status === 'sent') ? found : undefined;
    }, 'the six emails recorded as sent');
    expect(sent.map((email) => email.attempts)).toEqual(sent.map(() => 1));
  }, 120_000);

  it('retries an email the mail server refuses with backoff, dead-letters it with the reason, and sends it once when redriven after the cause is fixed', async () => {
    await mail.kill();
    await mail.start({ maxMessageBytes: MAX_MESSAGE_BYTES });
    const customer = recipient('refused');
    // 90 lines with long SKUs make invoice and shipment emails well over the limit.
    const lines = Array.from({ length: 90 }, (_, line) => ({ sku: `A-SKU-LONG-ENOUGH-TO-MAKE-THIS-EMAIL-LARGER-THAN-THE-LIMIT-${line}`, quantity: 1, unitPriceMinor: 100 }));
    const paymentId = await post(customer, 1, lines);

    const dead = await eventually(
      async () => {
        const found = await notificationsOf(paymentId);
        return found.length === 2 && found.every((email) => email.status === 'dead-lettered') ? found : undefined;
      },
      'both emails dead-lettered after three attempts (delays of 300 and 600 ms)',
      30_000,
    );
    expect(dead.map((email) => email.attempts)).toEqual([3, 3]);
    for (const email of dead) expect(email.failure).toMatch(/552|size/i);
    expect(await emailsTo(new Set([customer]))).toEqual([]);
    const listed = runDlq('list');
    for (const email of dead) expect(listed).toMatch(new RegExp(`job ${email.id} +after 3 attempt\\(s\\).*552`));

    // The cause fixed: a mail server that takes them.
    await mail.kill();
    await mail.start();
    expect(runDlq('redrive')).toMatch(/redrove \d+ dead-lettered job\(s\) to notifications\.emails/);
    const emails = await mail.client.waitForEmails(to(new Set([customer])), { description: 'the two redriven emails', count: 2, timeoutMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await emailsTo(new Set([customer]))).length).toBe(2);
    expect(new Set(emails.map(messageIdOf))).toEqual(new Set(dead.map((email) => email.messageId)));
    const after = runDlq('list');
    for (const email of dead) expect(after).not.toContain(email.id);
  }, 120_000);

  it('delivers every email of 1,000 payments while the worker is killed twice, once between the mail server\'s acceptance and its record: duplicates at most the prefetch per kill, each with its original\'s Message-ID', async () => {
    const customers = Array.from({ length: 1_000 }, () => recipient('bulk'));
    const addresses = new Set(customers);
    let next = 0;
    const posting = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < customers.length) await post(customers[next++], next);
      }),
    );
    // First kill: the hook, exactly between SMTP's acceptance and the record, once some emails have gone out.
    await pollUntil(async () => (await emailsTo(addresses)).length >= 200, { intervalMs: 250, timeoutMs: 120_000, description: '200 emails out' });
    writeFileSync(KILL_AFTER_SEND, '');
    await pollUntil(async () => !choreography.processes.get('notifications')!.running, { intervalMs: 50, timeoutMs: 30_000, description: 'the worker to kill itself after a send' });
    expect(existsSync(KILL_AFTER_SEND)).toBe(false);
    await choreography.kill('notifications');
    await choreography.startOne('notifications');
    // Second kill: SIGKILL from outside, wherever the worker is.
    await pollUntil(async () => (await emailsTo(addresses)).length >= 1_000, { intervalMs: 250, timeoutMs: 120_000, description: '1,000 emails out' });
    await choreography.kill('notifications');
    await choreography.startOne('notifications');
    await posting;

    const emails = await mail.client.waitForEmails(to(addresses), { description: 'every invoice and shipment email', count: 2_000, timeoutMs: 180_000 });
    const byMessageId = new Map<string, MailDevEmail[]>();
    for (const email of emails) byMessageId.set(messageIdOf(email)!, [...(byMessageId.get(messageIdOf(email)!) ?? []), email]);
    expect(byMessageId.size).toBe(2_000);
    const duplicates = [...byMessageId.values()].filter((copies) => copies.length > 1);
    // The hook's kill sends its email twice for sure; each kill can send again at most the jobs it held.
    expect(duplicates.length).toBeGreaterThanOrEqual(1);
    expect(emails.length - byMessageId.size).toBeLessThanOrEqual(PREFETCH * 2);
    for (const copies of duplicates) expect(new Set(copies.map((copy) => `${copy.subject} ${copy.to[0].address}`)).size).toBe(1);
    const { rows } = await db.query(`SELECT status, count(*)::int AS n FROM emails WHERE recipient = ANY($1) GROUP BY status`, [customers]);
    expect(rows).toEqual([{ status: 'sent', n: 2_000 }]);
  }, 420_000);

  it('loses no email when RabbitMQ is restarted under load', async () => {
    const customers = Array.from({ length: 300 }, () => recipient('restart'));
    const addresses = new Set(customers);
    let next = 0;
    const posting = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < customers.length) await post(customers[next++], next);
      }),
    );
    await pollUntil(async () => (await emailsTo(addresses)).length >= 100, { intervalMs: 250, timeoutMs: 120_000, description: '100 emails out' });
    await rabbit.kill();
    await rabbit.start();
    await posting;
    const emails = await mail.client.waitForEmails(to(addresses), { description: 'every email after the restart', count: 600, timeoutMs: 180_000 });
    expect(new Set(emails.map(messageIdOf)).size).toBe(600);
  }, 360_000);

  it('rebuilds the notifications projection from EmailSent byte-equal, and sends nothing', async () => {
    // Emails of earlier specs whose jobs wait in the test stack's RabbitMQ stay queued, and are carried over as they are.
    await eventually(async () => {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM emails WHERE status = 'queued' AND recipient LIKE $1`, [`%-${RUN}-%`]);
      return rows[0].n === 0 || undefined;
    }, 'no email of this spec still queued', 120_000);
    await eventually(async () => {
      const { rows } = await db.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL AND parked_at IS NULL');
      return rows[0].n === 0 || undefined;
    }, 'the outbox drained', 60_000);
    const before = await projectionChecksum(config.databases.notifications, ['emails']);
    const emailsBefore = (await mail.client.emails()).length;
    const jobs = async () => Number((await db.query(`SELECT count(*)::int AS n FROM outbox WHERE destination = 'rabbitmq'`)).rows[0].n);
    const jobsBefore = await jobs();

    const replays = new ReplayClient(choreography.url('notifications'), ADMIN_TOKEN);
    const finished = await replays.waitUntilFinished((await replays.start({})).id);
    expect(finished).toMatchObject({ state: 'done', kind: 'rebuild' });

    expect(await projectionChecksum(config.databases.notifications, ['emails'])).toEqual(before);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await mail.client.emails()).length).toBe(emailsBefore);
    expect(await jobs()).toBe(jobsBefore);
  }, 300_000);

  function runDlq(command: 'list' | 'redrive'): string {
    const result = spawnSync('npm', ['run', '--silent', 'dlq', '--', command, 'notifications'], {
      cwd: join(__dirname, '..'),
      encoding: 'utf8',
      env: { ...process.env, RABBITMQ_URL: rabbit.url },
    });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    return result.stdout;
  }
});
