import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';
import { loadPlatformConfig, reactingTo } from '@ensemble/config';
import { EventCodec } from '@ensemble/event-codec';
import { createEventCodec } from '@ensemble/event-codec/registry-codec';
import { loadEventCatalogue, PaymentCompleted } from '@ensemble/events';
import { headersAsStrings } from '@ensemble/kafka';
import { createKafka } from '@ensemble/kafka/create-kafka';
import { Choreography, eventually, paymentBody, paymentCompletedEvent, postPayment, skipNotificationsBacklog, TopicReader, waitUntilCaughtUp } from '@ensemble/testing';
import { FAILURE_HEADERS, failureTopics } from '@ensemble/event-consumer';

const config = loadPlatformConfig();
const kafka = createKafka(config, 'dead-letters-spec');
const codec = createEventCodec(config.schemaRegistry.url, loadEventCatalogue());
const CONSUMERS = reactingTo('PaymentCompleted');
const ROOT = join(__dirname, '..');

function paymentCompleted(customerId: string): PaymentCompleted {
  return paymentCompletedEvent(5, { customerId });
}

describe('records that cannot be processed go to the dead-letter topic without holding the others back', () => {
  // Quick retries, so that a failing record reaches the dead-letter topic in about a second.
  const choreography = new Choreography(
    { CONSUMER_ATTEMPTS: '2', CONSUMER_RETRY_DELAYS_MS: '200,200', DATABASE_LOCK_TIMEOUT_MS: '300' },
    3120,
  );
  const run = randomUUID().slice(0, 8);
  let producer: Producer;
  let invoiceDb: Client;
  let crmDb: Client;

  beforeAll(async () => {
    invoiceDb = new Client({ connectionString: config.databases.invoice });
    crmDb = new Client({ connectionString: config.databases.crm });
    await Promise.all([invoiceDb.connect(), crmDb.connect()]);
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await skipNotificationsBacklog(kafka, config);
    await choreography.start();
    await waitUntilCaughtUp(kafka, CONSUMERS);
  }, 240_000);

  afterAll(async () => {
    await choreography.stop();
    await producer.disconnect();
    await Promise.all([invoiceDb.end(), crmDb.end()]);
  });

  async function profileCount(customerId: string): Promise<number> {
    const { rows } = await crmDb.query('SELECT payment_count FROM customer_profiles WHERE customer_id = $1', [customerId]);
    return rows[0]?.payment_count ?? 0;
  }

  it('dead-letters a bad magic byte, an unknown schema id and a corrupt body at once, with headers saying where from and why', async () => {
    const deadLetters = Object.fromEntries(CONSUMERS.map((service) => [service, new TopicReader(kafka, `${service}.dead-letter`)]));
    await Promise.all(Object.values(deadLetters).map((reader) => reader.mark()));
    const before = paymentCompleted(`poison-${run}`);
    const after = paymentCompleted(`poison-${run}`);
    const valid = await codec.encode('PaymentCompleted', before);
    const poison = [
      Buffer.from('{"paymentId":"not wire format"}'),
      Buffer.concat([Buffer.from([0]), Buffer.from([0x7f, 0xff, 0xff, 0x00]), valid.subarray(5)]),
      valid.subarray(0, 24),
    ];

    // One partition, good records around the poison, so that the poison sits in their way.
    const sent = await producer.send({
      topic: 'payments.payment-completed',
      acks: -1,
      messages: [
        { key: before.paymentId, value: valid, partition: 0 },
        ...poison.map((value) => ({ key: `poison-${run}`, value, partition: 0 })),
        { key: after.paymentId, value: await codec.encode('PaymentCompleted', after), partition: 0 },
      ],
    });
    const firstPoisonOffset = BigInt(sent[0].baseOffset!) + 1n;

    for (const service of CONSUMERS) {
      const letters = await deadLetters[service].readUntil((read) => read.length >= 3);
      expect(letters.map((letter) => headersAsStrings(letter.message.headers))).toEqual(
        ['bad-magic-byte', 'unknown-schema-id', 'corrupt-body'].map((reason, index) =>
          expect.objectContaining({
            [FAILURE_HEADERS.originalTopic]: 'payments.payment-completed',
            [FAILURE_HEADERS.originalPartition]: '0',
            [FAILURE_HEADERS.originalOffset]: String(firstPoisonOffset + BigInt(index)),
            [FAILURE_HEADERS.consumerGroup]: service,
            [FAILURE_HEADERS.reason]: reason,
            [FAILURE_HEADERS.attempts]: '0',
            [FAILURE_HEADERS.error]: expect.any(String),
          }),
        ),
      );
      expect(letters.map((letter) => letter.message.value)).toEqual(poison);
    }
    const { rows } = await invoiceDb.query('SELECT count(*)::int AS count FROM invoices WHERE payment_id = ANY($1)', [[before.paymentId, after.paymentId]]);
    expect(rows[0].count).toBe(2);
  });

  it('sends a record whose handler keeps failing through the retry topic to the dead-letter topic, and redrive applies it once after the fix', async () => {
    const locked = `locked-${run}`;
    const free = `free-${run}`;
    await postPayment(choreography.url('payments'), { ...paymentBody(1), customerId: locked });
    await eventually(async () => ((await profileCount(locked)) === 1 ? true : undefined), 'the first profile');
    const retries = failureTopics('crm').retries.slice(0, 2).map((topic) => new TopicReader(kafka, topic));
    const deadLetters = new TopicReader(kafka, 'crm.dead-letter');
    await Promise.all([...retries.map((reader) => reader.mark()), deadLetters.mark()]);

    // A transaction elsewhere holds the customer's row longer than CRM's whole retry budget.
    const blocker = new Client({ connectionString: config.databases.crm });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT * FROM customer_profiles WHERE customer_id = $1 FOR UPDATE', [locked]);
    const { body: blocked } = await postPayment(choreography.url('payments'), { ...paymentBody(2), customerId: locked });
    await postPayment(choreography.url('payments'), { ...paymentBody(3), customerId: free });

    const [letter] = await deadLetters.readUntil((read) => read.length >= 1);
    await eventually(async () => ((await profileCount(free)) === 1 ? true : undefined), 'CRM to go on with other customers');
    expect(headersAsStrings(letter.message.headers)).toMatchObject({
      [FAILURE_HEADERS.reason]: 'handler-failed',
      [FAILURE_HEADERS.attempts]: '2',
      [FAILURE_HEADERS.consumerGroup]: 'crm',
      [FAILURE_HEADERS.originalTopic]: 'payments.payment-completed',
      [FAILURE_HEADERS.error]: expect.stringMatching(/lock timeout/),
    });
    expect(letter.message.key?.toString()).toBe(blocked.id);
    // One round through each retry topic, one delay each.
    expect(await Promise.all(retries.map((reader) => reader.countSinceMark()))).toEqual([1, 1]);
    expect(await profileCount(locked)).toBe(1);

    await blocker.query('ROLLBACK');
    await blocker.end();
    await deadLetters.mark();
    // A dead letter forged onto the topic (an event that is on no event topic), which a redrive must not sign into a retry.
    const forgedCustomer = `forged-${run}`;
    const forged = paymentCompleted(forgedCustomer);
    await producer.send({
      topic: 'crm.dead-letter',
      acks: -1,
      messages: [
        {
          key: forged.paymentId,
          value: await codec.encode('PaymentCompleted', forged),
          headers: {
            [FAILURE_HEADERS.originalTopic]: 'payments.payment-completed',
            [FAILURE_HEADERS.originalPartition]: '0',
            [FAILURE_HEADERS.originalOffset]: '0',
            [FAILURE_HEADERS.reason]: 'handler-failed',
            [FAILURE_HEADERS.attempts]: '2',
          },
        },
      ],
    });
    const redrive = spawnSync('npm', ['run', '--silent', 'dlq', '--', 'redrive', 'crm'], { cwd: ROOT, encoding: 'utf8' });

    expect(`${redrive.stdout}${redrive.stderr}`).toMatch(/crm: redrove \d+ dead letter\(s\) to crm\.retry-1; left [1-9]\d* that crm did not write whole/);
    await eventually(async () => ((await profileCount(locked)) === 2 ? true : undefined), 'the redriven payment to be applied');
    // The poison records redriven with it fail again and return; once they are back, the retry topic has been worked through.
    await deadLetters.readUntil((read) => read.length >= 3);
    expect(await profileCount(locked)).toBe(2);
    expect(await profileCount(forgedCustomer)).toBe(0);
  });
});
