/**
 * npm run bench:notifications [-- --rate 50 --seconds 20]
 *
 * The notifications path on the real servers (Kafka, RabbitMQ, MailDev, PostgreSQL), with the rest
 * of the platform running as `npm start` runs it:
 *
 * 1. Latency: payments posted at a steady rate; for each, the time from sending its POST until
 *    MailDev accepted its invoice email (the worker's `sent_at`, taken when the mail server answers
 *    250 to the message), and its shipment email.
 * 2. Throughput: the notifications service stopped while payments are posted, then started on the
 *    backlog; emails per second from its first email sent to its last.
 *
 * Figures are printed, never asserted; nothing else should run meanwhile.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { loadPlatformConfig, parseCommandLine } from '@ensemble/config';
import { createPlatformClients } from '@ensemble/platform';
import { pollUntil } from '@ensemble/retry';
import { Choreography, waitUntilCaughtUp } from '@ensemble/testing';
import { describeMachine } from './machine';
import { describeFailures, postPaymentsAtRate } from './payment-load';
import { formatLatency, latencyOf } from './statistics';

const { rate, seconds, backlog } = parseCommandLine({
  command: 'bench:notifications',
  usage: 'usage: npm run bench:notifications [-- --rate 50 --seconds 20 --backlog 1000]',
  options: { rate: { type: 'number', default: 50 }, seconds: { type: 'number', default: 20 }, backlog: { type: 'number', default: 1_000 } },
}).options;

const config = loadPlatformConfig();
const { kafka } = createPlatformClients(config, 'bench-notifications');

interface SentEmail {
  paymentId: string;
  kind: 'invoice' | 'shipment';
  sentAt: number;
}

async function main(): Promise<void> {
  const machine = describeMachine();
  console.log(`Notifications on ${machine.cores} cores, commit ${machine.commit}${machine.dirty ? ' (dirty)' : ''}`);
  const choreography = await new Choreography({ ADMIN_TOKEN: `bench-${randomUUID()}` }, 3130).start();
  const db = new Client({ connectionString: config.databases.notifications });
  await db.connect();
  try {
    await waitUntilCaughtUp(kafka, ['notifications']);

    // Just started, the first seconds run cold (JIT, pools, the SMTP connections): warm up first, not counted.
    const warmUp = new Map<string, number>();
    await postPaymentsAtRate(choreography.url('payments'), rate, 5, (paymentId, at) => warmUp.set(paymentId, at));
    await sentEmails(db, [...warmUp.keys()]);

    const sentAt = new Map<string, number>();
    const load = await postPaymentsAtRate(choreography.url('payments'), rate, seconds, (paymentId, at) => sentAt.set(paymentId, at));
    const emails = await sentEmails(db, [...sentAt.keys()]);
    const after = (kind: SentEmail['kind']) => latencyOf(emails.filter((email) => email.kind === kind).map((email) => email.sentAt - sentAt.get(email.paymentId)!));
    console.log(`\n1. POST sent -> email accepted by MailDev, ${sentAt.size} payments at ${rate}/s (achieved ${load.achievedRate.toFixed(0)}/s${load.failed ? `, ${describeFailures(load)}` : ''})`);
    console.log(`  invoice email    ${formatLatency(after('invoice'))}`);
    console.log(`  shipment email   ${formatLatency(after('shipment'))}`);

    await choreography.stopOne('notifications');
    const queued = new Map<string, number>();
    const posting = await postPaymentsAtRate(choreography.url('payments'), Math.min(200, backlog), Math.ceil(backlog / Math.min(200, backlog)), (paymentId, at) => queued.set(paymentId, at));
    await waitUntilCaughtUp(kafka, ['invoice', 'shipping']);
    const started = Date.now();
    await choreography.startOne('notifications');
    const worked = await sentEmails(db, [...queued.keys()], 600_000);
    const first = Math.min(...worked.map((email) => email.sentAt));
    const last = Math.max(...worked.map((email) => email.sentAt));
    console.log(`\n2. A backlog of ${worked.length} emails (${queued.size} payments${posting.failed ? `, ${describeFailures(posting)}` : ''}), one notifications instance, prefetch ${config.workQueue.prefetch}`);
    console.log(`  ${((worked.length - 1) / ((last - first) / 1_000)).toFixed(0)} emails/s from the first sent to the last (${((last - first) / 1_000).toFixed(1)} s); the first ${((first - started) / 1_000).toFixed(1)} s after the process started`);
  } finally {
    await db.end();
    await choreography.stop();
  }
}

/** The invoice and shipment emails of these payments, once every one is recorded as sent. */
async function sentEmails(db: Client, paymentIds: string[], timeoutMs = 300_000): Promise<SentEmail[]> {
  return pollUntil(
    async () => {
      const { rows } = await db.query<{ payment_id: string; kind: SentEmail['kind']; sent_at: Date }>(
        `SELECT payment_id, kind, sent_at FROM emails WHERE payment_id = ANY($1) AND status = 'sent'`,
        [paymentIds],
      );
      return rows.length === paymentIds.length * 2 ? rows.map((row) => ({ paymentId: row.payment_id, kind: row.kind, sentAt: row.sent_at.getTime() })) : undefined;
    },
    { intervalMs: 250, timeoutMs, description: `the emails of ${paymentIds.length} payments to be sent` },
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
