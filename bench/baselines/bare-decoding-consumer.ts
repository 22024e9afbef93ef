import { randomUUID } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { EventCodec } from '@ensemble/event-codec';
import { RecordPosition } from '@ensemble/kafka';

/**
 * The floor for any consumer here: a bare kafkajs consumer in a fresh group that reads `topics` from
 * `starts` (every partition's first offset to read) and only decodes, timed from its first batch
 * until it has read `records`. Events per second.
 */
export async function measureBareDecoding(
  kafka: Kafka,
  codec: EventCodec,
  starts: RecordPosition[],
  records: number,
): Promise<number> {
  const topics = [...new Set(starts.map((start) => start.topic))];
  const consumer = kafka.consumer({ groupId: `bench-bare-${randomUUID()}`, maxWaitTimeInMs: 100, maxBytesPerPartition: 4 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  let decoded = 0;
  let started = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      started ||= performance.now();
      // Bytes that cannot be decoded count as read, as they do for the consumer measured beside it.
      for (const message of batch.messages) await codec.decode(batch.topic, message.value).catch(() => undefined);
      decoded += batch.messages.length;
      if (decoded >= records) finish();
    },
  });
  for (const start of starts) consumer.seek(start);
  await finished;
  const perSecond = decoded / ((performance.now() - started) / 1_000);
  await consumer.disconnect();
  return Math.round(perSecond);
}
