/**
 * npm run bench:outbox — the payments outbox, measured on the real servers.
 *
 * 1. Latency: payments posted at a steady rate to a payments process; for each, the time from the
 *    POST's response until a consumer that is already caught up reads its PaymentCompleted.
 * 2. Relay throughput: a pre-filled outbox in a scratch database drained by one relay, next to a
 *    bare kafkajs producer sending the same Avro bytes in the same batch size (the floor for any
 *    relay on this broker), both in this run.
 */
import { randomUUID } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import { Client } from 'pg';
import { loadPlatformConfig } from '@ensemble/config';
import { EventCodec } from '@ensemble/event-codec';
import { loadEventCatalogue, PaymentCompleted } from '@ensemble/events';
import { createKafka } from '@ensemble/kafka';
import { CreateOutbox1763780000000, DEFAULT_RELAY_OPTIONS, measureOutboxBacklog, OutboxRelay } from '@ensemble/outbox';
import { createScratchDatabase, paymentBody, postPayment, ServiceProcess } from '@ensemble/testing';
import { formatMs, percentile } from './statistics';

const config = loadPlatformConfig();
const kafka = createKafka(config, 'bench-outbox');
const codec = EventCodec.forRegistry(config.schemaRegistry.url, loadEventCatalogue());
const argument = (name: string, fallback: number) => Number(process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);

async function measureLatency(payments: number, ratePerSecond: number): Promise<void> {
  const service = await ServiceProcess.start('payments', { port: 3200, name: 'bench-payments' });
  const arrivals = new Map<string, number>();
  const consumer = kafka.consumer({ groupId: `bench-latency-${randomUUID()}`, maxWaitTimeInMs: 10 });
  await consumer.connect();
  await consumer.subscribe({ topic: 'payments.payment-completed', fromBeginning: false });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({ eachMessage: async ({ message }) => void arrivals.set(message.key!.toString(), performance.now()) });
  await joined;
  await new Promise((resolve) => setTimeout(resolve, 1_000)); // let the fetch loop settle at the end offsets

  const responses = new Map<string, number>();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: payments }, async (_, index) => {
      await new Promise((resolve) => setTimeout(resolve, (index * 1_000) / ratePerSecond));
      const response = await postPayment(service.url, paymentBody(index));
      responses.set(response.body.id, performance.now());
    }),
  );
  while (arrivals.size < payments && performance.now() - started < 120_000) await new Promise((resolve) => setTimeout(resolve, 50));
  await consumer.disconnect();
  await service.stop();

  const latencies = [...responses].map(([id, respondedAt]) => (arrivals.get(id) ?? NaN) - respondedAt);
  const missing = latencies.filter(Number.isNaN).length;
  const read = latencies.filter((latency) => !Number.isNaN(latency));
  console.log(`\nPOST response -> PaymentCompleted readable on the topic (${payments} payments at ${ratePerSecond}/s)`);
  console.log(`  p50 ${formatMs(percentile(read, 0.5))}   p90 ${formatMs(percentile(read, 0.9))}   p99 ${formatMs(percentile(read, 0.99))}   max ${formatMs(Math.max(...read))}   missing ${missing}`);
}

async function measureRelayThroughput(events: number, batchSize: number): Promise<void> {
  const database = await createScratchDatabase(config.databases.payments, 'bench_outbox', [CreateOutbox1763780000000]);
  const admin = kafka.admin();
  await admin.connect();
  const relayTopic = `bench.relay-${randomUUID().slice(0, 8)}`;
  const bareTopic = `bench.bare-${randomUUID().slice(0, 8)}`;
  await admin.createTopics({ waitForLeaders: true, topics: [relayTopic, bareTopic].map((topic) => ({ topic, numPartitions: 6, replicationFactor: 1 })) });
  const db = new Client({ connectionString: database.url });
  await db.connect();
  try {
    const payload = (index: number): PaymentCompleted => {
      const paymentId = randomUUID();
      const body = paymentBody(index);
      return {
        envelope: { eventId: randomUUID(), eventType: 'PaymentCompleted', occurredAt: Date.now(), aggregateId: paymentId, correlationId: paymentId, causationId: null, producer: 'payments' },
        paymentId,
        ...body,
        completedAt: Date.now(),
      };
    };
    const rows = Array.from({ length: events }, (_, index) => payload(index));
    for (let start = 0; start < rows.length; start += 1_000) {
      const chunk = rows.slice(start, start + 1_000);
      await db.query(
        `INSERT INTO outbox (id, aggregate_type, aggregate_id, event_type, topic, payload, headers)
         SELECT id, 'Payment', aggregate_id, 'PaymentCompleted', $1, payload, '{}' FROM unnest($2::uuid[], $3::text[], $4::jsonb[]) AS t(id, aggregate_id, payload)`,
        [relayTopic, chunk.map((event) => event.envelope.eventId), chunk.map((event) => event.envelope.aggregateId), chunk.map((event) => JSON.stringify(event))],
      );
    }

    const producer = () => kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    const relay = new OutboxRelay({ ...DEFAULT_RELAY_OPTIONS, databaseUrl: database.url, batchSize }, producer(), codec);
    await codec.encode('PaymentCompleted', rows[0]); // register the schema outside the timed part
    const relayStarted = performance.now();
    await relay.start();
    while ((await measureOutboxBacklog(db)).pending > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const relaySeconds = (performance.now() - relayStarted) / 1_000;
    await relay.stop();

    const encoded = await Promise.all(rows.map((event) => codec.encode('PaymentCompleted', event)));
    const bare = producer();
    await bare.connect();
    const bareStarted = performance.now();
    for (let start = 0; start < encoded.length; start += batchSize) {
      await bare.send({
        topic: bareTopic,
        acks: -1,
        messages: encoded.slice(start, start + batchSize).map((value, offset) => ({ key: rows[start + offset].envelope.aggregateId, value })),
      });
    }
    const bareSeconds = (performance.now() - bareStarted) / 1_000;
    await bare.disconnect();

    const relayRate = events / relaySeconds;
    const bareRate = events / bareSeconds;
    console.log(`\nRelay throughput (${events} pre-filled outbox rows, batches of ${batchSize})`);
    console.log(`  outbox relay             ${relayRate.toFixed(0).padStart(7)} events/s  (${relaySeconds.toFixed(2)} s)`);
    console.log(`  bare kafkajs producer    ${bareRate.toFixed(0).padStart(7)} events/s  (${bareSeconds.toFixed(2)} s, same Avro bytes, pre-encoded)`);
    console.log(`  relay / bare             ${(relayRate / bareRate).toFixed(2)}`);
  } finally {
    await db.end();
    await database.drop();
    await admin.deleteTopics({ topics: [relayTopic, bareTopic] });
    await admin.disconnect();
  }
}

async function main(): Promise<void> {
  await measureLatency(argument('payments', 1_000), argument('rate', 100));
  await measureRelayThroughput(argument('events', 20_000), argument('batch', 500));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
