import { Kafka, KafkaMessage } from 'kafkajs';
import { consumerGroupLag } from './consumer-group-lag';

export interface ReadToEndOptions {
  groupId: string;
  topics: string[];
  /** Commit each record's offset once handled, so that the next read in the same group starts after it. */
  commit: boolean;
}

/**
 * Reads `topics` in consumer group `groupId`, from its committed offsets (the beginning for a new
 * group) up to the end offsets they had when the call began, handing each record to `handle` in
 * partition order. A failing `handle` or a crashed consumer ends the read with that error rather
 * than a retry without end. Resolves with how many records were handled.
 */
export async function readToEnd(
  kafka: Kafka,
  { groupId, topics, commit }: ReadToEndOptions,
  handle: (topic: string, partition: number, message: KafkaMessage) => Promise<void>,
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  /** The next offset to read, per `topic[partition]` still short of its end. */
  const unread = new Map<string, bigint>();
  const ends = new Map<string, bigint>();
  try {
    for (const { topic, partition, committed, end, lag } of await consumerGroupLag(admin, groupId, { topics })) {
      if (lag === 0) continue;
      unread.set(`${topic}[${partition}]`, BigInt(committed));
      ends.set(`${topic}[${partition}]`, BigInt(end));
    }
  } finally {
    await admin.disconnect();
  }
  if (unread.size === 0) return 0;

  let handled = 0;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) reject(payload.error);
      });
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ topic, partition, message }) => {
            const key = `${topic}[${partition}]`;
            const next = unread.get(key);
            // A restarted consumer may see records again: `unread` knows what was handled already.
            if (next === undefined || BigInt(message.offset) < next) return;
            try {
              await handle(topic, partition, message);
              if (commit) await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
            } catch (error) {
              reject(error);
              return;
            }
            handled += 1;
            const reached = BigInt(message.offset) + 1n;
            if (reached >= ends.get(key)!) unread.delete(key);
            else unread.set(key, reached);
            if (unread.size === 0) resolve();
          },
        })
        .catch(reject);
    });
    return handled;
  } finally {
    await consumer.disconnect();
  }
}
