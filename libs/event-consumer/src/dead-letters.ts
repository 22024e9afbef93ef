import { randomUUID } from 'node:crypto';
import { IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { ServiceName } from '@ensemble/config';
import { createOrderedProducer, headersAsStrings } from '@ensemble/kafka';
import { FAILURE_HEADERS, failureTopics } from './failure-topics';

export interface DeadLetter {
  offset: string;
  headers: Record<string, string>;
}

/**
 * Reads `topic` in consumer group `groupId` from its committed offsets (or the beginning) up to the
 * end offsets it had when the call began, committing after each record that `handle` accepted.
 */
async function readToEnd(kafka: Kafka, groupId: string, topic: string, handle: (message: KafkaMessage) => Promise<void>): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => [partition, BigInt(high)]));
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  await admin.disconnect();
  const starts = new Map(committed.partitions.map(({ partition, offset }) => [partition, offset === '-1' ? 0n : BigInt(offset)]));
  const remaining = new Set([...ends].filter(([partition, end]) => end > (starts.get(partition) ?? 0n)).map(([partition]) => partition));
  if (remaining.size === 0) return 0;

  let handled = 0;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          if (!remaining.has(partition)) return;
          await handle(message);
          handled += 1;
          const next = BigInt(message.offset) + 1n;
          await consumer.commitOffsets([{ topic, partition, offset: next.toString() }]);
          if (next >= ends.get(partition)!) remaining.delete(partition);
          if (remaining.size === 0) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return handled;
}

/** Every dead letter of the service, oldest first, with the headers that say where it came from and why. */
export async function listDeadLetters(kafka: Kafka, service: ServiceName): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  await readToEnd(kafka, `${service}.dead-letter-list-${randomUUID()}`, failureTopics(service).deadLetter, async (message) => {
    letters.push({
      offset: message.offset,
      headers: headersAsStrings(message.headers),
    });
  });
  return letters;
}

/**
 * Sends the dead letters not redriven before back to the service's retry topic, due at once and
 * with their attempts reset, once their cause is fixed. Only this service sees them again; its inbox
 * absorbs any that it had applied after all. Returns how many were redriven.
 */
export async function redriveDeadLetters(kafka: Kafka, service: ServiceName): Promise<number> {
  const { retry, deadLetter } = failureTopics(service);
  const producer = createOrderedProducer(kafka);
  await producer.connect();
  try {
    return await readToEnd(kafka, `${service}.dead-letter-redrive`, deadLetter, async (message) => {
      const headers: IHeaders = { ...message.headers, [FAILURE_HEADERS.attempts]: '0', [FAILURE_HEADERS.retryAt]: String(Date.now()) };
      await producer.send({ topic: retry, acks: -1, messages: [{ key: message.key, value: message.value, headers }] });
    });
  } finally {
    await producer.disconnect();
  }
}
