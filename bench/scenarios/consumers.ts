import { randomUUID } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { EventCodec } from '@ensemble/event-codec';
import { createOrderedProducer } from '@ensemble/kafka';
import { Choreography, groupLag, paymentCompletedEvent, waitUntilCaughtUp } from '@ensemble/testing';

export interface ConsumerResult {
  events: number;
  consumer: string;
  oursPerSecond: number;
  bareDecodingPerSecond: number;
}

const TOPIC = 'payments.payment-completed';

/**
 * One consumer with its dedup transaction (CRM, started alone on a backlog) next to a bare kafkajs
 * consumer that only decodes the same records, in the same run; both timed from their first record.
 */
export async function measureConsumer(kafka: Kafka, codec: EventCodec, choreography: Choreography, events: number): Promise<ConsumerResult> {
  const service = 'crm';
  await choreography.stopOne(service);
  const admin = kafka.admin();
  await admin.connect();
  const start = await admin.fetchTopicOffsets(TOPIC);
  const producer = createOrderedProducer(kafka);
  await producer.connect();
  for (let sent = 0; sent < events; sent += 1_000) {
    const messages = await Promise.all(
      Array.from({ length: Math.min(1_000, events - sent) }, async () => {
        const event = paymentCompletedEvent();
        return { key: event.paymentId, value: await codec.encode('PaymentCompleted', event) };
      }),
    );
    await producer.send({ topic: TOPIC, acks: -1, messages });
  }
  await producer.disconnect();

  // Timed from the first committed batch, so that process start-up and the group join are left out.
  const backlog = await groupLag(admin, service);
  await choreography.startOne(service);
  let lag = backlog;
  while (lag === backlog) lag = await groupLag(admin, service);
  const oursStarted = performance.now();
  await waitUntilCaughtUp(kafka, [service]);
  const oursPerSecond = lag / ((performance.now() - oursStarted) / 1_000);

  let decoded = 0;
  const bare = kafka.consumer({ groupId: `bench-bare-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await bare.connect();
  await bare.subscribe({ topic: TOPIC, fromBeginning: true });
  let bareStarted = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  await bare.run({
    eachBatch: async ({ batch }) => {
      bareStarted ||= performance.now();
      for (const message of batch.messages) await codec.decode(message.value);
      decoded += batch.messages.length;
      if (decoded >= events) finish();
    },
  });
  for (const { partition, offset } of start) bare.seek({ topic: TOPIC, partition, offset });
  await finished;
  const barePerSecond = decoded / ((performance.now() - bareStarted) / 1_000);
  await bare.disconnect();
  await admin.disconnect();
  return { events, consumer: service, oursPerSecond: Math.round(oursPerSecond), bareDecodingPerSecond: Math.round(barePerSecond) };
}
