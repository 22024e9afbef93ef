import { Kafka } from 'kafkajs';
import { CONSUMING_SERVICES } from '@ensemble/config';
import { EventCodec } from '@ensemble/event-codec';
import { pollUntil } from '@ensemble/retry';
import { Choreography, groupLag, waitUntilCaughtUp } from '@ensemble/testing';
import { measureBareDecoding } from '../baselines/bare-decoding-consumer';
import { PAYMENTS_TOPIC, producePaymentBacklog } from '../payment-backlog';

export interface ConsumerResult {
  events: number;
  consumer: string;
  oursPerSecond: number;
  bareDecodingPerSecond: number;
}

/**
 * One consumer with its dedup transaction (CRM, started alone on a backlog) next to a bare kafkajs
 * consumer that only decodes the same records, in the same run; both timed from their first record.
 * The other consumers are stopped meanwhile: on two cores they would take the CPU being measured.
 */
export async function measureConsumer(kafka: Kafka, codec: EventCodec, choreography: Choreography, events: number): Promise<ConsumerResult> {
  const service = 'crm';
  for (const consumer of CONSUMING_SERVICES) await choreography.stopOne(consumer);
  const admin = kafka.admin();
  await admin.connect();
  const start = await admin.fetchTopicOffsets(PAYMENTS_TOPIC);
  await producePaymentBacklog(kafka, codec, events);

  // Timed from the first committed batch, so that process start-up and the group join are left out.
  const backlog = await groupLag(admin, service);
  await choreography.startOne(service);
  const lag = await pollUntil(
    async () => {
      const now = await groupLag(admin, service);
      return now !== backlog && now;
    },
    { intervalMs: 10, timeoutMs: 60_000, description: `${service} to commit its first batch` },
  );
  const oursStarted = performance.now();
  await waitUntilCaughtUp(kafka, [service]);
  const oursPerSecond = lag / ((performance.now() - oursStarted) / 1_000);
  await admin.disconnect();

  const bareDecodingPerSecond = await measureBareDecoding(
    kafka,
    codec,
    start.map(({ partition, offset }) => ({ topic: PAYMENTS_TOPIC, partition, offset })),
    events,
  );
  await Promise.all(CONSUMING_SERVICES.filter((other) => other !== service).map((other) => choreography.startOne(other)));
  return { events, consumer: service, oursPerSecond: Math.round(oursPerSecond), bareDecodingPerSecond };
}
