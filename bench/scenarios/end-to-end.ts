import { randomUUID } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { PlatformConfig, reactingTo, ServiceName } from '@ensemble/config';
import { EventCodec } from '@ensemble/event-codec';
import { createOrderedProducer } from '@ensemble/kafka';
import { pollUntil } from '@ensemble/retry';
import { Choreography, paymentCompletedEvent, postJson, waitUntilCaughtUp } from '@ensemble/testing';
import { FloorPipeline } from '../baselines/floor/floor-pipeline';
import { startNaiveDualWrite, NAIVE_TOPIC } from '../baselines/naive-dual-write';
import { processUsage, resetPeakRss } from '../machine';
import { PaymentLoad, postPaymentsAtRate } from '../payment-load';
import { atRate } from '../pace';
import { Latency, latencyOf } from '../statistics';

/** The services a payment's effects are measured in: those that react to its PaymentCompleted. */
const CONSUMERS = reactingTo('PaymentCompleted');

export interface RateResult {
  targetRate: number;
  achievedRate: number;
  /** POSTs that did not get a 201 (refused, reset or timed out); the latencies are those of the others. */
  failed: number;
  failures: PaymentLoad['failures'];
  /** Posting kept up with the target (95% or more), no POST failed, and every consumer caught up within 10 s of the last POST. */
  sustained: boolean;
  allFour: Latency;
  perConsumer: Record<string, Latency>;
  resources?: Record<string, { peakRssMb: number; cpuSeconds: number }>;
}

/**
 * Payments posted at `rate` for `seconds`; for each, the time from sending the POST until all four
 * services applied its event (their processed_events rows, read afterwards so measuring adds no
 * load; processed_at is the start of the applying transaction, a few ms before its commit).
 */
export async function measureOurs(config: PlatformConfig, kafka: Kafka, choreography: Choreography, rate: number, seconds: number, sampleResources = false): Promise<RateResult> {
  const databases = Object.fromEntries(['payments', ...CONSUMERS].map((service) => [service, new Client({ connectionString: config.databases[service as ServiceName] })])) as Record<ServiceName, Client>;
  await Promise.all(Object.values(databases).map((database) => database.connect()));
  // Peaks from this run only, not from catching up on a backlog at start-up.
  if (sampleResources) for (const process of choreography.processes.values()) resetPeakRss(process.pid);
  const before = new Map([...choreography.processes].map(([service, process]) => [service, processUsage(process.pid)]));
  const sentAt = new Map<string, number>();
  const load = await postPaymentsAtRate(choreography.url('payments'), rate, seconds, (paymentId, at) => sentAt.set(paymentId, at));
  const caughtUp = await waitUntilCaughtUp(kafka, CONSUMERS, 10_000).then(() => true, () => false);
  if (!caughtUp) await waitUntilCaughtUp(kafka, CONSUMERS, 600_000);
  const sustained = caughtUp && load.failed === 0 && load.achievedRate >= 0.95 * rate;
  const resources = sampleResources
    ? Object.fromEntries(
        [...choreography.processes].map(([service, process]) => {
          const now = processUsage(process.pid);
          return [service, { peakRssMb: now.peakRssMb, cpuSeconds: Number((now.cpuSeconds - before.get(service)!.cpuSeconds).toFixed(1)) }];
        }),
      )
    : undefined;

  const ids = [...sentAt.keys()];
  const { rows: events } = await databases.payments.query('SELECT id, aggregate_id FROM outbox WHERE aggregate_id = ANY($1)', [ids]);
  const paymentOf = new Map(events.map((row) => [row.id as string, row.aggregate_id as string]));
  const appliedAt = new Map<ServiceName, Map<string, number>>();
  for (const service of CONSUMERS) {
    const { rows } = await databases[service].query('SELECT event_id, processed_at FROM processed_events WHERE event_id = ANY($1)', [[...paymentOf.keys()]]);
    appliedAt.set(service, new Map(rows.map((row) => [paymentOf.get(row.event_id)!, (row.processed_at as Date).getTime()])));
  }
  await Promise.all(Object.values(databases).map((database) => database.end()));
  return {
    targetRate: rate,
    achievedRate: Math.round(load.achievedRate),
    failed: load.failed,
    failures: load.failures,
    sustained,
    allFour: latencyOf(ids.map((id) => Math.max(...CONSUMERS.map((service) => appliedAt.get(service)!.get(id)!)) - sentAt.get(id)!)),
    perConsumer: Object.fromEntries(CONSUMERS.map((service) => [service, latencyOf(ids.map((id) => appliedAt.get(service)!.get(id)! - sentAt.get(id)!))])),
    resources,
  };
}

/** Floor for any Kafka pipeline here: a bare kafkajs producer to a bare consumer on the same broker, Avro bytes, acks=all. */
export async function measureBareRoundTrip(kafka: Kafka, codec: EventCodec, rate: number, seconds: number): Promise<Latency> {
  const topic = `bench.round-trip-${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 6, replicationFactor: 1 }] });
  const value = await codec.encode('PaymentCompleted', paymentCompletedEvent());
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const consumer = kafka.consumer({ groupId: `bench-${topic}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({ eachMessage: async ({ message }) => void latencies.push(performance.now() - sentAt.get(message.key!.toString())!) });
  await joined;
  const producer = createOrderedProducer(kafka);
  await producer.connect();
  await atRate(rate * seconds, rate, async (index) => {
    sentAt.set(String(index), performance.now());
    await producer.send({ topic, acks: -1, messages: [{ key: String(index), value }] });
  });
  await pollUntil(() => latencies.length >= rate * seconds, { intervalMs: 20, description: 'every record to be received' });
  await producer.disconnect();
  await consumer.disconnect();
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
  return latencyOf(latencies);
}

/** The naive dual write: save, then ClientKafka.emit, read by a bare handler; from sending the POST to the handler. */
export async function measureNaiveDualWrite(config: PlatformConfig, kafka: Kafka, rate: number, seconds: number): Promise<Latency> {
  const admin = kafka.admin();
  await admin.connect();
  if (!(await admin.listTopics()).includes(NAIVE_TOPIC)) {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: NAIVE_TOPIC, numPartitions: 6, replicationFactor: 1 }] });
  }
  await admin.disconnect();
  const naive = await startNaiveDualWrite({ port: 3150, databaseUrl: config.databases.payments, brokers: config.kafka.brokers });
  const sentAt = new Map<string, number>();
  const receivedAt = new Map<string, number>();
  const consumer = kafka.consumer({ groupId: `bench-naive-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: NAIVE_TOPIC, fromBeginning: false });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({ eachMessage: async ({ message }) => void receivedAt.set(JSON.parse(message.value!.toString()).id, performance.now()) });
  await joined;
  await new Promise((resolve) => setTimeout(resolve, 500));
  await atRate(rate * seconds, rate, async (index) => {
    const id = randomUUID();
    sentAt.set(id, performance.now());
    await postJson(`${naive.url}/payments`, { id, amountMinor: 1_000 + index, currency: 'EUR' });
  });
  await pollUntil(() => receivedAt.size >= sentAt.size, { intervalMs: 20, description: 'every payment to reach the handler' });
  await consumer.disconnect();
  await naive.stop();
  return latencyOf([...sentAt].map(([id, at]) => receivedAt.get(id)! - at));
}


/**
 * The floor (bench/baselines/floor): payments posted at `rate` for `seconds` through the same
 * durable steps without a framework; from sending the POST until all four of its consumers applied
 * the event, measured as Ensemble's are (the start of each applying transaction).
 */
export async function measureFloor(config: PlatformConfig, kafka: Kafka, rate: number, seconds: number): Promise<Latency> {
  const floor = await FloorPipeline.start(config, kafka, 3140);
  try {
    // Warmed up as Ensemble's services are before their figures (bench/run.ts).
    const warmUp = await postPaymentsAtRate(floor.url, rate, seconds);
    const sentAt = new Map<string, number>();
    const load = await postPaymentsAtRate(floor.url, rate, seconds, (paymentId, at) => sentAt.set(paymentId, at));
    await floor.waitUntilApplied(2 * rate * seconds - warmUp.failed - load.failed, 600_000);
    const appliedAt = [...(await floor.appliedAt()).values()];
    return latencyOf([...sentAt].map(([paymentId, at]) => Math.max(...appliedAt.map((applied) => applied.get(paymentId)!)) - at));
  } finally {
    await floor.stop();
  }
}
