import { Client } from 'pg';
import { loadPlatformConfig } from '@ensemble/config';
import { loadEventCatalogue } from '@ensemble/events';
import { createKafka } from '@ensemble/kafka/create-kafka';
import { paymentBody, postPayment, ServiceProcess, TopicReader } from '@ensemble/testing';
import { verifyPayments } from '../cli/verify';
import { PaymentDifference } from '../src/payment-history';

const config = loadPlatformConfig();
const topic = new TopicReader(createKafka(config, 'payments-verify-spec'), loadEventCatalogue().get('PaymentCompleted').topic);

describe('verifyPayments (payments rebuilt from their topic, compared with the database)', () => {
  let payments: ServiceProcess;
  let db: Client;
  let ids: string[];

  /** The shared topic and database hold other runs' payments too: only this spec's are asserted on. */
  function aboutOurPayments(differences: PaymentDifference[]): PaymentDifference[] {
    return differences.filter((difference) => 'paymentId' in difference && ids.includes(difference.paymentId));
  }

  beforeAll(async () => {
    payments = await ServiceProcess.start('payments', { port: 3170, name: 'payments-verify' });
    db = new Client({ connectionString: config.databases.payments });
    await db.connect();
    await topic.mark();
    ids = [];
    for (const seed of [21, 22, 23]) {
      const response = await postPayment(payments.url, paymentBody(seed));
      expect(response.status).toBe(201);
      ids.push(response.body.id);
    }
    await topic.readUntil((read) => ids.every((id) => read.some((record) => record.message.key?.toString() === id)));
  });

  afterAll(async () => {
    await payments?.stop();
    await db?.end();
  });

  it('reports no difference for payments whose rows and events agree, with its progress along the way', async () => {
    const lines: string[] = [];

    const report = await verifyPayments({ log: (line) => lines.push(line) });

    expect(aboutOurPayments(report.differences)).toEqual([]);
    expect(report.events).toBeGreaterThanOrEqual(ids.length);
    expect(report.payments).toBeGreaterThanOrEqual(ids.length);
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^read \d+ records: \d+ events/)]));
  });

  it('names the changed field of a tampered payment with both values, and a payment whose row was deleted', async () => {
    const [changed, deleted] = ids;
    const { rows: saved } = await db.query('SELECT * FROM payments WHERE id = $1', [deleted]);
    const { rows: savedKeys } = await db.query('SELECT * FROM idempotency_keys WHERE payment_id = $1', [deleted]);
    const { rows: amounts } = await db.query('SELECT amount_minor::int AS amount FROM payments WHERE id = $1', [changed]);
    const { rows: published } = await db.query('SELECT id FROM outbox WHERE aggregate_id = $1', [deleted]);
    const amount: number = amounts[0].amount;
    await db.query('UPDATE payments SET amount_minor = $2 WHERE id = $1', [changed, amount + 100]);
    await db.query('BEGIN');
    await db.query('DELETE FROM idempotency_keys WHERE payment_id = $1', [deleted]);
    await db.query('DELETE FROM payments WHERE id = $1', [deleted]);
    await db.query('COMMIT');
    try {
      expect(aboutOurPayments((await verifyPayments()).differences)).toEqual([
        { kind: 'field-differs', paymentId: changed, field: 'amountMinor', database: amount + 100, events: amount },
        { kind: 'event-without-payment', paymentId: deleted, eventId: published[0].id },
      ]);
    } finally {
      await db.query('UPDATE payments SET amount_minor = $2 WHERE id = $1', [changed, amount]);
      await db.query('BEGIN');
      await db.query('INSERT INTO payments SELECT * FROM json_populate_record(NULL::payments, $1)', [JSON.stringify(saved[0])]);
      await db.query('INSERT INTO idempotency_keys SELECT * FROM json_populate_record(NULL::idempotency_keys, $1)', [JSON.stringify(savedKeys[0])]);
      await db.query('COMMIT');
    }
  });

  it('reports no difference again once the tampered rows are put back', async () => {
    expect(aboutOurPayments((await verifyPayments()).differences)).toEqual([]);
  });
});
