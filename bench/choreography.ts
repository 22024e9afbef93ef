/**
 * npm run bench:choreography — the four consumers, measured on the real servers with every service
 * as its own process.
 *
 * 1. Latency: payments posted at a steady rate; for each, the time from the POST's response until
 *    all four services have applied its PaymentCompleted (its row in each processed_events table,
 *    which commits with the effect), read from the databases afterwards.
 * 2. Throughput: with the consumers stopped, a backlog of PaymentCompleted records is produced;
 *    then each consumer alone drains it, timed until its group has committed to the end.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Admin, Partitioners } from 'kafkajs';
import { Client } from 'pg';
import { loadPlatformConfig, ServiceName } from '@ensemble/config';
import { EventCodec } from '@ensemble/event-codec';
import { loadEventCatalogue, PaymentCompleted } from '@ensemble/events';
import { createKafka } from '@ensemble/kafka';
import { Choreography, groupLag, paymentBody, postPayment, waitUntilCaughtUp } from '@ensemble/testing';
import { formatMs, percentile } from './statistics';

const config = loadPlatformConfig();
const kafka = createKafka(config, 'bench-choreography');
const codec = EventCodec.forRegistry(config.schemaRegistry.url, loadEventCatalogue());
const CONSUMERS: ServiceName[] = ['invoice', 'crm', 'shipping', 'dashboards'];
const TOPIC = 'payments.payment-completed';
const argument = (name: string, fallback: number) => Number(process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);

async function measureLatency(choreography: Choreography, payments: number, ratePerSecond: number): Promise<void> {
  const databases = Object.fromEntries(
    ['payments', ...CONSUMERS].map((service) => [service, new Client({ connectionString: config.databases[service as ServiceName] })]),
  ) as Record<ServiceName, Client>;
  await Promise.all(Object.values(databases).map((database) => database.connect()));
  const respondedAt = new Map<string, number>();
  const started = Date.now();
  await Promise.all(
    Array.from({ length: payments }, async (_, index) => {
      await sleep((index * 1_000) / ratePerSecond);
      const { body } = await postPayment(choreography.url('payments'), paymentBody(index));
      respondedAt.set(body.id, Date.now());
    }),
  );
  const postingSeconds = (Date.now() - started) / 1_000;
  await waitUntilCaughtUp(kafka, CONSUMERS);

  // Read afterwards, so that measuring adds no load: when each service's transaction applied the
  // payment's event (processed_at is that transaction's start, a few ms before its commit).
  const ids = [...respondedAt.keys()];
  const { rows: events } = await databases.payments.query('SELECT id, aggregate_id FROM outbox WHERE aggregate_id = ANY($1)', [ids]);
  const paymentOf = new Map(events.map((row) => [row.id as string, row.aggregate_id as string]));
  const appliedAt = new Map<ServiceName, Map<string, number>>();
  for (const service of CONSUMERS) {
    const { rows } = await databases[service].query('SELECT event_id, processed_at FROM processed_events WHERE event_id = ANY($1)', [[...paymentOf.keys()]]);
    appliedAt.set(service, new Map(rows.map((row) => [paymentOf.get(row.event_id)!, (row.processed_at as Date).getTime()])));
  }
  await Promise.all(Object.values(databases).map((database) => database.end()));

  const latency = (service: ServiceName) => ids.map((id) => appliedAt.get(service)!.get(id)! - respondedAt.get(id)!);
  const allFour = ids.map((id) => Math.max(...CONSUMERS.map((service) => appliedAt.get(service)!.get(id)!)) - respondedAt.get(id)!);
  console.log(`\nPOST response -> effect applied by all four consumers (${payments} payments at ${ratePerSecond}/s; posting took ${postingSeconds.toFixed(1)} s)`);
  console.log(`  all four    p50 ${formatMs(percentile(allFour, 0.5))}   p90 ${formatMs(percentile(allFour, 0.9))}   p99 ${formatMs(percentile(allFour, 0.99))}   max ${formatMs(Math.max(...allFour))}`);
  for (const service of CONSUMERS) {
    console.log(`  ${service.padEnd(11)} p50 ${formatMs(percentile(latency(service), 0.5))}   p99 ${formatMs(percentile(latency(service), 0.99))}`);
  }
}

async function measureThroughput(choreography: Choreography, events: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  for (const service of CONSUMERS) await choreography.stopOne(service);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  for (let start = 0; start < events; start += 1_000) {
    const messages = await Promise.all(
      Array.from({ length: Math.min(1_000, events - start) }, async (_, offset) => {
        const paymentId = randomUUID();
        const event: PaymentCompleted = {
          envelope: { eventId: randomUUID(), eventType: 'PaymentCompleted', occurredAt: Date.now(), aggregateId: paymentId, correlationId: paymentId, causationId: null, producer: 'payments' },
          paymentId,
          ...paymentBody(start + offset),
          completedAt: Date.now(),
        };
        return { key: paymentId, value: await codec.encode('PaymentCompleted', event) };
      }),
    );
    await producer.send({ topic: TOPIC, acks: -1, messages });
  }
  await producer.disconnect();

  console.log(`\nSustained consumption, each consumer alone draining ${events} PaymentCompleted records (batches of 200 per transaction)`);
  for (const service of CONSUMERS) {
    // Dashboards also has the follow-on events of the services drained before it.
    const backlog = await groupLag(admin, service);
    const started = performance.now();
    await choreography.startOne(service);
    await waitUntilCaughtUp(kafka, [service]);
    const seconds = (performance.now() - started) / 1_000;
    console.log(`  ${service.padEnd(11)} ${(backlog / seconds).toFixed(0).padStart(6)} events/s  (${backlog} records in ${seconds.toFixed(1)} s, start-up included)`);
  }
  await admin.disconnect();
}

async function main(): Promise<void> {
  const choreography = await new Choreography({}, 3130).start();
  try {
    await waitUntilCaughtUp(kafka, CONSUMERS); // start from a caught-up state
    await measureLatency(choreography, argument('payments', 1_000), argument('rate', 100));
    await measureThroughput(choreography, argument('events', 10_000));
  } finally {
    await choreography.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
