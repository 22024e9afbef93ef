import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';
import { loadPlatformConfig } from '@ensemble/config';
import { EventCodec } from '@ensemble/event-codec';
import { createEventCodec } from '@ensemble/event-codec/registry-codec';
import { failureTopics } from '@ensemble/event-consumer';
import { loadEventCatalogue } from '@ensemble/events';
import { createKafka } from '@ensemble/kafka/create-kafka';
import { eventually, paymentCompletedEvent, ScratchPostgres, ServiceProcess, startGroupAtEnds, TopicReader, waitUntilCaughtUp } from '@ensemble/testing';

const config = loadPlatformConfig();
const kafka = createKafka(config, 'outages-spec');
const codec = createEventCodec(config.schemaRegistry.url, loadEventCatalogue());
const PAYMENTS_TOPIC = 'payments.payment-completed';

/** How many of these payments the inbox at `databaseUrl` holds. */
async function appliedCount(databaseUrl: string, paymentIds: string[]): Promise<number> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query('SELECT count(*)::int AS n FROM processed_events WHERE fact = ANY($1)', [paymentIds.map((id) => `PaymentCompleted:${id}`)]);
    return rows[0].n;
  } finally {
    await db.end();
  }
}

/**
 * An unavailable database or broker is a condition of the service, not of its records: consumption
 * waits and resumes, nothing is rerouted, and a service starts without its dependencies.
 */
describe('outages are waited out, not blamed on records', () => {
  let producer: Producer;
  const timings: string[] = [];

  beforeAll(async () => {
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });

  afterAll(async () => {
    console.log(timings.join('\n'));
    await producer.disconnect();
  });

  /** Payments spread over every partition (their ids are the keys), produced as the payments service would. */
  async function producePayments(count: number): Promise<string[]> {
    const events = Array.from({ length: count }, (_, seed) => paymentCompletedEvent(seed));
    await producer.send({
      topic: PAYMENTS_TOPIC,
      acks: -1,
      messages: await Promise.all(events.map(async (event) => ({ key: event.paymentId, value: await codec.encode('PaymentCompleted', event) }))),
    });
    return events.map((event) => event.paymentId);
  }

  it('a consumer whose database restarts sends nothing to a retry topic, reports it in /health, and applies every record once it is back', async () => {
    const postgres = await new ScratchPostgres(55_433).create(['crm']);
    const databaseUrl = postgres.url('crm');
    let crm: ServiceProcess | undefined;
    try {
      // A group of its own, starting at the ends of its topics: the service's own group, and the crm database it feeds, never miss a record to this instance.
      const group = `crm.outage-spec-${randomUUID().slice(0, 8)}`;
      await startGroupAtEnds(kafka, group, [PAYMENTS_TOPIC, ...failureTopics('crm').retries]);
      crm = await ServiceProcess.start('crm', { port: 3150, name: 'outage-crm', env: { CRM_DATABASE_URL: databaseUrl, CONSUMER_RETRY_DELAYS_MS: '300,300', CONSUMER_GROUP: group } });
      const before = await producePayments(12);
      await eventually(async () => ((await appliedCount(databaseUrl, before)) === before.length ? true : undefined), 'the payments before the outage');
      const { retries, deadLetter } = failureTopics('crm');
      const failures = [...retries, deadLetter].map((topic) => new TopicReader(kafka, topic));
      await Promise.all(failures.map((reader) => reader.mark()));

      postgres.stop();
      const during = await producePayments(12);
      await sleep(3_000);
      const health = await crm.health();
      expect(health.status).toBe(503);
      expect(health.body.details?.database?.status).toBe('down');
      const restartedAt = Date.now();
      postgres.start();
      await eventually(async () => ((await appliedCount(databaseUrl, during)) === during.length ? true : undefined), 'the payments produced during the outage', 60_000);
      timings.push(`database restart: the records of the outage were applied ${Date.now() - restartedAt} ms after PostgreSQL was back`);

      expect(await Promise.all(failures.map((reader) => reader.countSinceMark()))).toEqual(failures.map(() => 0));
      expect(crm.running).toBe(true);
    } finally {
      await crm?.stop();
      postgres.destroy();
    }
  }, 120_000);

  it('a service started while Kafka is down starts all the same, and says in /health what is missing', async () => {
    const crm = await ServiceProcess.start('crm', { port: 3153, name: 'no-kafka-crm', env: { KAFKA_BROKERS: '127.0.0.1:9' }, ready: false });
    try {
      await sleep(2_000);
      const health = await crm.health();
      expect(crm.running).toBe(true);
      expect(health.status).toBe(503);
      expect(health.body.details).toMatchObject({ database: { status: 'up' }, kafka: { status: 'down' }, consumer: { status: 'down', message: expect.stringMatching(/Kafka|joining/) } });
    } finally {
      await crm.stop();
    }
  });

  it('a consumer killed and started again gets its partitions back within about its session timeout', async () => {
    const first = await ServiceProcess.start('crm', { port: 3151, name: 'rejoin-crm' });
    await waitUntilCaughtUp(kafka, ['crm']);
    await first.kill();
    const killedAt = Date.now();
    const payments = await producePayments(12);
    const again = await ServiceProcess.start('crm', { port: 3151, name: 'rejoin-crm' });
    try {
      await eventually(async () => ((await appliedCount(config.databases.crm, payments)) === payments.length ? true : undefined), 'the restarted consumer to apply them', 60_000);
      const moved = Date.now() - killedAt;
      timings.push(`SIGKILL and restart: records produced right after the kill were applied ${moved} ms after it`);
      expect(moved).toBeLessThan(15_000);
    } finally {
      await again.stop();
    }
  }, 90_000);
});
