import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadPlatformConfig } from '@ensemble/config';
import { EventCodec } from '@ensemble/event-codec';
import { createEventCodec } from '@ensemble/event-codec/registry-codec';
import { loadEventCatalogue, PaymentCompleted } from '@ensemble/events';
import { createOrderedProducer } from '@ensemble/kafka';
import { createKafka } from '@ensemble/kafka/create-kafka';
import { createScratchDatabase, paymentCompletedEvent, ScratchDatabase, TopicReader } from '@ensemble/testing';
import { OUTBOX_MIGRATIONS } from '../src/migrations';
import { measureOutboxBacklog } from '../src/outbox-backlog';
import { DEFAULT_RELAY_OPTIONS, OutboxRelay, OutboxRelayOptions } from '../src/outbox-relay';
import { KafkaDestination } from '../src/destinations/kafka-destination';

const config = loadPlatformConfig();
const ROOT = join(__dirname, '..', '..', '..');
const kafka = createKafka(config, 'outbox-relay-spec');
const codec = createEventCodec(config.schemaRegistry.url, loadEventCatalogue());

/** The n-th event of an aggregate: its position rides in amountMinor so that order can be read back. */
function nthEvent(aggregateId: string, n: number): PaymentCompleted {
  return paymentCompletedEvent(1, { customerId: aggregateId, amountMinor: n, items: [{ sku: 'SKU', quantity: 1, unitPriceMinor: n }] }, aggregateId);
}

describe('OutboxRelay against real PostgreSQL and Kafka', () => {
  let database: ScratchDatabase;
  let db: Client;
  let topic: string;
  const relays: OutboxRelay[] = [];

  beforeAll(async () => {
    // A database of this spec's own, so that no service's relay takes its rows.
    database = await createScratchDatabase(config.databases.payments, 'outbox_spec', OUTBOX_MIGRATIONS);
    db = new Client({ connectionString: database.url });
    await db.connect();
    const admin = kafka.admin();
    await admin.connect();
    topic = `spec.outbox-relay-${randomUUID().slice(0, 8)}`;
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 6, replicationFactor: 1 }] });
    await admin.disconnect();
  });

  afterAll(async () => {
    await Promise.all(relays.map((relay) => relay.stop()));
    await db.end();
    await database.drop();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });

  function startRelay(options: Partial<OutboxRelayOptions> = {}): OutboxRelay {
    const producer = createOrderedProducer(kafka);
    const relay = new OutboxRelay({ ...DEFAULT_RELAY_OPTIONS, databaseUrl: database.url, batchSize: 50, pollIntervalMs: 200, rebalanceIntervalMs: 50, ...options }, new KafkaDestination(producer, codec));
    relays.push(relay);
    void relay.start();
    return relay;
  }

  async function append(events: PaymentCompleted[]): Promise<void> {
    const values = events.map((_, index) => `($${index * 3 + 1}::uuid, 'Order', $${index * 3 + 2}, 'PaymentCompleted', '${topic}', $${index * 3 + 3}::jsonb, '{}')`);
    await db.query(
      `INSERT INTO outbox (id, aggregate_type, aggregate_id, event_type, topic, payload, headers) VALUES ${values.join(', ')}`,
      events.flatMap((event) => [event.envelope.eventId, event.envelope.aggregateId, JSON.stringify(event)]),
    );
  }

  it('keeps each aggregate in order with two relays sharing the lanes, publishing every row once', async () => {
    const aggregates = Array.from({ length: 40 }, () => randomUUID());
    const eventsPerAggregate = 25;
    const publishedBy = [0, 0];
    const latencies: number[] = [];
    const reader = new TopicReader(kafka, topic);
    await reader.mark();

    [startRelay(), startRelay()].forEach((relay, index) =>
      relay.on('published', ({ count, latenciesMs }) => {
        publishedBy[index] += count;
        latencies.push(...latenciesMs);
      }),
    );
    // Appended in rounds while both relays run, so that lanes change hands between batches.
    for (let n = 1; n <= eventsPerAggregate; n++) {
      await append(aggregates.map((aggregate) => nthEvent(aggregate, n)));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const total = aggregates.length * eventsPerAggregate;
    const records = await reader.readUntil((read) => read.length >= total);
    const decoded = await Promise.all(records.map(async (record) => (await codec.decode('payments.payment-completed', record.message.value)) as PaymentCompleted));

    const sequences = new Map<string, number[]>();
    for (const event of decoded) sequences.set(event.customerId, [...(sequences.get(event.customerId) ?? []), event.amountMinor]);
    const inOrder = Array.from({ length: eventsPerAggregate }, (_, index) => index + 1);
    for (const aggregate of aggregates) expect(sequences.get(aggregate)).toEqual(inOrder);
    expect(await reader.countSinceMark()).toBe(total);
    expect(publishedBy[0]).toBeGreaterThan(0);
    expect(publishedBy[1]).toBeGreaterThan(0);
    // From each row's writing to the broker's acknowledgement, on this machine's one clock.
    expect(latencies.length).toBeGreaterThan(0);
    expect(Math.min(...latencies)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...latencies)).toBeLessThan(10_000);
    expect(await measureOutboxBacklog(db)).toEqual({ pending: 0, oldestPendingSeconds: 0, parked: 0 });
  });

  it('parks a row it cannot encode and one the broker refuses, holds back only their aggregates, and publishes them in order once released', async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
    const [unencodable, tooLarge, free] = [randomUUID(), randomUUID(), randomUUID()];
    const parked: string[] = [];
    startRelay().on('parked', ({ aggregateId, reason }) => parked.push(`${aggregateId === unencodable ? 'unencodable' : 'too large'}: ${reason}`));
    const reader = new TopicReader(kafka, topic);
    await reader.mark();

    // An amount the Avro long cannot hold, and an event over the topic's 1 MiB limit, each followed by a good event of its aggregate.
    const first = { ...nthEvent(unencodable, 1), amountMinor: Number.MAX_SAFE_INTEGER };
    const huge = { ...nthEvent(tooLarge, 1), customerEmail: `${'x'.repeat(1_100_000)}@example.com` };
    await append([first, huge, nthEvent(free, 1)]);
    await append([nthEvent(unencodable, 2), nthEvent(tooLarge, 2), nthEvent(free, 2)]);

    const published = await reader.readUntil((read) => read.filter((record) => record.message.key?.toString() === free).length === 2);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(published.map((record) => record.message.key?.toString())).toEqual([free, free]);
    expect(await reader.countSinceMark()).toBe(2);
    expect(parked.sort()).toEqual([expect.stringMatching(/^too large: the broker refuses it/), expect.stringMatching(/^unencodable: PaymentCompleted does not match its schema at amountMinor/)]);
    expect(await measureOutboxBacklog(db)).toMatchObject({ pending: 4, parked: 2 });

    // The cause fixed by hand, the CLI releases both: each aggregate's events follow in order.
    await db.query(`UPDATE outbox SET payload = jsonb_set(payload, '{amountMinor}', '1') WHERE id = $1`, [first.envelope.eventId]);
    await db.query(`UPDATE outbox SET payload = jsonb_set(payload, '{customerEmail}', '"ada@example.com"') WHERE id = $1`, [huge.envelope.eventId]);
    const retry = spawnSync('npm', ['run', '--silent', 'outbox', '--', 'retry', 'payments'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PAYMENTS_DATABASE_URL: database.url } });
    expect(retry.stdout).toContain('payments: released 2 parked row(s)');

    const all = await reader.readUntil((read) => read.length >= 6);
    const amounts = async (aggregate: string) =>
      Promise.all(all.filter((record) => record.message.key?.toString() === aggregate).map(async (record) => ((await codec.decode('payments.payment-completed', record.message.value)) as PaymentCompleted).amountMinor));
    expect(await amounts(unencodable)).toEqual([1, 2]);
    expect(await amounts(tooLarge)).toEqual([1, 2]);
    expect(await measureOutboxBacklog(db)).toEqual({ pending: 0, oldestPendingSeconds: 0, parked: 0 });
  });

  it('vacuums the outbox once marking rows published has left enough dead row versions', async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
    const maintained = new Promise<{ deleted: number; vacuumed: number }>((resolve) =>
      startRelay({ maintenanceIntervalMs: 200, vacuumThreshold: 500 }).on('maintained', (report) => {
        if (report.vacuumed > 0) resolve(report);
      }),
    );
    for (let round = 0; round < 6; round++) await append(Array.from({ length: 100 }, () => nthEvent(randomUUID(), 1)));

    const report = await maintained;
    const { rows } = await db.query(`SELECT n_dead_tup::int AS dead, last_vacuum FROM pg_stat_user_tables WHERE relname = 'outbox'`);

    expect(report.vacuumed).toBeGreaterThanOrEqual(500);
    expect(rows[0].last_vacuum).not.toBeNull();
    expect(rows[0].dead).toBeLessThan(500);
  });
});
