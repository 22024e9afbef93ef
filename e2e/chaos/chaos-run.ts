import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { CONSUMING_SERVICES, loadPlatformConfig, PlatformConfig, SERVICE_NAMES, ServiceName } from '@ensemble/config';
import { failureTopics } from '@ensemble/event-consumer';
import { headersAsStrings, readToEnd, RecordPosition } from '@ensemble/kafka';
import { createPlatformClients } from '@ensemble/platform';
import { retry } from '@ensemble/retry';
import { Choreography, eventually, paymentBody, postPayment, waitUntilCaughtUp } from '@ensemble/testing';

export interface ChaosOptions {
  payments: number;
  /** Payments posted per second. */
  rate: number;
  /** SIGKILL the services this many times in all (at least once each, unless 0), spread over the posting. */
  kills: number;
  /** Also kill and restart the broker once, halfway: it disturbs everything else that uses it. */
  restartBroker?: (log: (line: string) => void) => Promise<void>;
  /** Also restart PostgreSQL once, halfway. */
  restartPostgres?: (log: (line: string) => void) => Promise<void>;
  /** Where the run's own services listen. */
  basePort: number;
  /** For the self-check: count a payment as accepted that was never posted; the verification must then fail. */
  plantDiscrepancy?: boolean;
  log?: (line: string) => void;
}

export interface ChaosReport {
  ok: boolean;
  accepted: number;
  postRetries: number;
  kills: string[];
  settledMs: number;
  discrepancies: string[];
  summary: string;
}

/** How long a POST is retried, with the same Idempotency-Key, before the payment counts as refused. */
const POST_PATIENCE_MS = 120_000;

/**
 * The crash test: the run's own five services, payments posted at a steady rate by a client that
 * retries with the same Idempotency-Key, services SIGKILLed and started again (and the broker or
 * PostgreSQL restarted, when asked), then a check, scoped to the run's payments, that every
 * accepted payment has exactly one effect in every service and nothing was dead-lettered.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const config = loadPlatformConfig();
  const { kafka } = createPlatformClients(config, 'chaos');
  const run = randomUUID().slice(0, 8);
  const choreography = new Choreography({}, options.basePort);
  const marks = await deadLetterEnds(kafka);
  await choreography.start();
  const accepted = new Map<string, { customerId: string; amountMinor: number; currency: string }>();
  let postRetries = 0;
  const kills: string[] = [];
  try {
    const durationMs = (options.payments / options.rate) * 1_000;
    const started = Date.now();
    const posting = Promise.all(
      Array.from({ length: options.payments }, async (_, index) => {
        await sleep(Math.max(0, started + (index * 1_000) / options.rate - Date.now()));
        const body = { ...paymentBody(index), customerId: `chaos-${run}-${index % 20}` };
        const key = `chaos-${run}-${index}`;
        // A payment that payments has not accepted within the patience is left out of the run, and counted as never accepted.
        const patience = AbortSignal.timeout(POST_PATIENCE_MS);
        const posting = async (attempt: number, bail: (error: unknown) => never) => {
          if (attempt > 1) postRetries++;
          const response = await postPayment(choreography.url('payments'), body, key).catch(() => undefined);
          if (response?.status === 201) {
            accepted.set(response.body.id, { customerId: body.customerId, amountMinor: body.amountMinor, currency: body.currency });
            return;
          }
          if (response && response.status < 500) bail(new Error(`POST ${key} was refused with ${response.status}: ${JSON.stringify(response.body)}`));
          throw new Error(`POST ${key} got ${response ? response.status : 'no answer'}`);
        };
        await retry(posting, { initialMs: 100, maxMs: 2_000, signal: patience }).catch((error: unknown) => {
          if (error !== patience.reason) throw error;
        });
      }),
    );
    const faults = (async () => {
      const victims = [...shuffled(SERVICE_NAMES), ...Array.from({ length: Math.max(0, options.kills - SERVICE_NAMES.length) }, () => pick(SERVICE_NAMES))].slice(0, options.kills === 0 ? 0 : undefined);
      // Restarts run beside the next kills, so that the kills stay spread over the posting however long a start takes.
      const restarting = new Map<ServiceName, Promise<void>>();
      for (const [index, service] of victims.entries()) {
        await sleep(Math.max(0, started + ((index + 1) * durationMs) / (victims.length + 1) - Date.now()));
        await restarting.get(service);
        await choreography.kill(service);
        kills.push(service);
        log(`killed ${service} (SIGKILL) ${((Date.now() - started) / 1_000).toFixed(1)} s into the run`);
        const restart = choreography.startOne(service);
        // Awaited before the next kill of the service and at the end; this only keeps a failure meanwhile from going unhandled.
        restart.catch(() => undefined);
        restarting.set(service, restart);
        if (index === Math.floor(victims.length / 2)) {
          await options.restartBroker?.(log);
          await options.restartPostgres?.(log);
        }
      }
      await Promise.all(restarting.values());
    })();
    await Promise.all([posting, faults]);
    const lastPost = Date.now();
    log(`posted ${options.payments} payments (${accepted.size} accepted, ${postRetries} retries); waiting for everything to settle`);
    await settle(config, kafka);
    const settledMs = Date.now() - lastPost;
    const neverAccepted = options.payments - accepted.size;
    // The self-check's planted fault: a payment counted as accepted that no service ever saw, as if all its effects were lost.
    if (options.plantDiscrepancy) accepted.set(randomUUID(), { customerId: `chaos-${run}-planted`, amountMinor: 100, currency: 'EUR' });
    const discrepancies = [...(neverAccepted === 0 ? [] : [`${neverAccepted} payments never accepted`]), ...(await verify(config, kafka, run, accepted, marks))];
    const ok = discrepancies.length === 0;
    const summary =
      `chaos: ${options.payments - neverAccepted}/${options.payments} payments accepted (${postRetries} POST retries), ${kills.length} kills (${kills.join(', ')})` +
      `${options.restartBroker ? ', broker restarted' : ''}${options.restartPostgres ? ', PostgreSQL restarted' : ''}, settled ${(settledMs / 1_000).toFixed(1)} s after the last POST: ` +
      (ok ? 'every payment has one invoice (numbers gap-free), one shipment, its CRM totals and its dashboard count, and no dead letter' : `FAILED: ${discrepancies.join('; ')}`);
    return { ok, accepted: options.payments - neverAccepted, postRetries, kills, settledMs, discrepancies, summary };
  } finally {
    await choreography.stop();
  }
}

/** Every group has consumed everything, and the follow-on events announced meanwhile too. */
async function settle(config: PlatformConfig, kafka: Kafka): Promise<void> {
  for (let round = 0; round < 2; round++) {
    await waitUntilCaughtUp(kafka, CONSUMING_SERVICES, 600_000);
    for (const service of ['payments', 'invoice', 'shipping'] as const) {
      await eventually(async () => ((await scalar(config.databases[service], 'SELECT count(*)::int FROM outbox WHERE published_at IS NULL')) === 0 ? true : undefined), `${service}'s outbox to drain`, 600_000);
    }
  }
}

async function verify(config: PlatformConfig, kafka: Kafka, run: string, accepted: Map<string, { customerId: string; amountMinor: number; currency: string }>, marks: RecordPosition[]): Promise<string[]> {
  const ids = [...accepted.keys()];
  const found: string[] = [];
  const perPayment = async (service: ServiceName, sql: string, what: string) => {
    const counts = new Map((await rows<{ id: string; n: number }>(config.databases[service], sql, [ids])).map((row) => [row.id, row.n]));
    const wrong = ids.filter((id) => counts.get(id) !== 1);
    if (wrong.length > 0) found.push(`${wrong.length} payments without exactly one ${what} (e.g. ${wrong[0]}: ${counts.get(wrong[0]) ?? 0})`);
  };
  await perPayment('payments', 'SELECT id::text AS id, count(*)::int AS n FROM payments WHERE id = ANY($1::uuid[]) GROUP BY id', 'payment row');
  await perPayment('invoice', 'SELECT payment_id::text AS id, count(*)::int AS n FROM invoices WHERE payment_id = ANY($1::uuid[]) GROUP BY payment_id', 'invoice');
  await perPayment('shipping', 'SELECT payment_id::text AS id, count(*)::int AS n FROM shipments WHERE payment_id = ANY($1::uuid[]) GROUP BY payment_id', 'shipment');
  await perPayment('dashboards', `SELECT substring(fact from 18) AS id, count(*)::int AS n FROM processed_events WHERE fact = ANY(SELECT 'PaymentCompleted:' || unnest($1::text[])) GROUP BY fact`, 'dashboard count');

  const gaps = await rows<{ year: string; numbers: number; highest: number }>(
    config.databases.invoice,
    `SELECT split_part(number, '-', 1) AS year, count(*)::int AS numbers, max(split_part(number, '-', 2)::int) AS highest
       FROM invoices GROUP BY 1`,
    [],
  );
  for (const { year, numbers, highest } of gaps) if (numbers !== highest) found.push(`invoice numbers of ${year} have gaps or repeats: ${numbers} invoices up to number ${highest}`);

  const expected = new Map<string, { count: number; value: Map<string, number> }>();
  for (const { customerId, amountMinor, currency } of accepted.values()) {
    const customer = expected.get(customerId) ?? { count: 0, value: new Map() };
    customer.count++;
    customer.value.set(currency, (customer.value.get(currency) ?? 0) + amountMinor);
    expected.set(customerId, customer);
  }
  const profiles = await rows<{ customer_id: string; payment_count: number }>(config.databases.crm, 'SELECT customer_id, payment_count FROM customer_profiles WHERE customer_id LIKE $1', [`chaos-${run}-%`]);
  const values = await rows<{ customer_id: string; currency: string; amount_minor: string }>(config.databases.crm, 'SELECT customer_id, currency, amount_minor FROM customer_lifetime_values WHERE customer_id LIKE $1', [`chaos-${run}-%`]);
  for (const [customerId, { count, value }] of expected) {
    const profile = profiles.find((row) => row.customer_id === customerId);
    if (profile?.payment_count !== count) found.push(`crm counts ${profile?.payment_count ?? 0} payments for ${customerId}, not ${count}`);
    for (const [currency, amount] of value) {
      const stored = Number(values.find((row) => row.customer_id === customerId && row.currency === currency)?.amount_minor ?? 0);
      if (stored !== amount) found.push(`crm has a lifetime value of ${stored} ${currency} for ${customerId}, not ${amount}`);
    }
  }

  const letters = await deadLettersSince(kafka, marks, new Set(ids));
  if (letters.length > 0) found.push(`${letters.length} dead letters for the run's payments (e.g. ${letters[0]})`);
  return found;
}

/** The end offsets of every dead-letter topic, before the run. */
async function deadLetterEnds(kafka: Kafka): Promise<RecordPosition[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const marks: RecordPosition[] = [];
    for (const service of CONSUMING_SERVICES) {
      const topic = failureTopics(service).deadLetter;
      for (const { partition, high } of await admin.fetchTopicOffsets(topic)) marks.push({ topic, partition, offset: high });
    }
    return marks;
  } finally {
    await admin.disconnect();
  }
}

async function deadLettersSince(kafka: Kafka, marks: RecordPosition[], keys: Set<string>): Promise<string[]> {
  const found: string[] = [];
  const topics = [...new Set(marks.map(({ topic }) => topic))];
  await readToEnd(kafka, { topics, group: { throwaway: 'chaos-dead-letters' }, from: marks }, async ({ topic, offset, message }) => {
    if (keys.has(message.key?.toString() ?? '')) found.push(`${topic}@${offset}: ${headersAsStrings(message.headers)['ensemble-error-reason']}`);
  });
  return found;
}

async function rows<Row>(databaseUrl: string, sql: string, parameters: unknown[]): Promise<Row[]> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    return (await db.query(sql, parameters)).rows as Row[];
  } finally {
    await db.end();
  }
}

async function scalar(databaseUrl: string, sql: string): Promise<number> {
  const [row] = await rows<Record<string, number>>(databaseUrl, sql, []);
  return Object.values(row)[0];
}

function shuffled<T>(items: readonly T[]): T[] {
  return [...items].sort(() => Math.random() - 0.5);
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)];
}
