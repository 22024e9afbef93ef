import { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { loadPlatformConfig } from '@ensemble/config';
import { EventCodec, UndecodableRecordError } from '@ensemble/event-codec';
import { EnsembleEvent } from '@ensemble/events';
import { ReadRecord, readToEnd } from '@ensemble/kafka';
import { createPlatformClients } from '@ensemble/platform';
import { differences, foldPaymentEvents, PaymentDifference } from '../src/payment-history';
import type { Payment } from '../src/payment.entity';

export interface PaymentsVerification {
  /** Rows in the payments table, counting those completed while the topics were read. */
  payments: number;
  /** Events read from the payments topics. */
  events: number;
  differences: PaymentDifference[];
}

interface TopicContents {
  events: EnsembleEvent[];
  undecodable: PaymentDifference[];
}

const PROGRESS_INTERVAL_MS = 1_000;

/**
 * Rebuilds every payment from the payments topics and compares it with the payments table.
 *
 * The table is read first, then the topics up to the end offsets of that moment. A payment's row
 * commits with its outbox row, before the relay can publish it, so every event read has its row
 * committed by then: the rows of payments completed while the topics were read are fetched
 * afterwards instead of being reported missing. A payment whose event is still in the outbox (the
 * relay behind) does show as a payment without event.
 */
export async function verifyPayments(options: { log?: (line: string) => void } = {}): Promise<PaymentsVerification> {
  const log = options.log ?? (() => undefined);
  const config = loadPlatformConfig();
  const { catalogue, codec, kafka } = createPlatformClients(config, 'payments-verify');
  const topics = [...new Set(catalogue.events.filter((event) => event.owner === 'payments').map((event) => event.topic))];

  const db = new Client({ connectionString: config.databases.payments });
  await db.connect();
  try {
    const rows = await loadPayments(db);
    log(`${rows.length} payments in the database`);
    const { events, undecodable } = await readPaymentsTopics(kafka, codec, topics, log);
    const fromEvents = foldPaymentEvents(events);
    const loaded = new Set(rows.map((row) => row.id));
    const completedMeanwhile = [...fromEvents.keys()].filter((id) => !loaded.has(id));
    if (completedMeanwhile.length > 0) rows.push(...(await loadPayments(db, completedMeanwhile)));
    return { payments: rows.length, events: events.length, differences: [...undecodable, ...differences(rows, fromEvents)] };
  } finally {
    await db.end();
  }
}

/** Every payment row, or those with the given ids. */
async function loadPayments(db: Client, ids?: string[]): Promise<Payment[]> {
  const { rows } = await db.query<Omit<Payment, 'amountMinor'> & { amountMinor: string }>(
    // Compared as text: an event's paymentId need not be a well-formed uuid.
    `SELECT id, customer_id AS "customerId", customer_email AS "customerEmail", amount_minor AS "amountMinor",
            currency, items, shipping_address AS "shippingAddress", completed_at AS "completedAt",
            correlation_id AS "correlationId"
       FROM payments
      WHERE $1::text[] IS NULL OR id::text = ANY($1)`,
    [ids ?? null],
  );
  // pg returns bigint as a string; the entity holds amounts as numbers.
  return rows.map((row) => ({ ...row, amountMinor: Number(row.amountMinor) }));
}

/** Every record of `topics` from the beginning up to the end offsets taken when it starts, in a throwaway consumer group. */
async function readPaymentsTopics(kafka: Kafka, codec: EventCodec, topics: string[], log: (line: string) => void): Promise<TopicContents> {
  const contents: TopicContents = { events: [], undecodable: [] };
  let loggedAt = Date.now();
  const read = await readToEnd(kafka, { topics, group: { throwaway: 'payments.verify' } }, async (record) => {
    await decodeInto(contents, codec, record);
    if (Date.now() - loggedAt >= PROGRESS_INTERVAL_MS) {
      log(`read ${contents.events.length + contents.undecodable.length} records`);
      loggedAt = Date.now();
    }
  });
  log(`read ${read} records: ${contents.events.length} events, ${contents.undecodable.length} undecodable`);
  return contents;
}

/** A record that no retry can decode is a finding, not a failure: it stays on the topic, and the consumers dead-lettered it. */
async function decodeInto(contents: TopicContents, codec: EventCodec, { topic, partition, offset, message }: ReadRecord): Promise<void> {
  try {
    contents.events.push(await codec.decode(topic, message.value));
  } catch (error) {
    if (!(error instanceof UndecodableRecordError)) throw error;
    contents.undecodable.push({
      kind: 'undecodable-record',
      topic,
      partition,
      offset,
      key: message.key?.toString() ?? null,
      reason: error.reason,
    });
  }
}
