import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { consumerGroupLag } from './consumer-group-lag';
import { RecordPosition } from './record-position';

/** A record as read from a topic, with where it sits. */
export interface ReadRecord extends RecordPosition {
  message: KafkaMessage;
}

export interface ReadToEndOptions {
  topics: string[];
  /**
   * The consumer group the read runs in. A `cursor` group keeps the reader's place: the read starts
   * at its committed offsets and commits each record once handled, so that the next read starts
   * after it. A `throwaway` group, named `<throwaway>-<uuid>`, commits nothing and is deleted once
   * the read ends.
   */
  group: { cursor: string } | { throwaway: string };
  /** The first offset to read on these partitions, instead of where the group stands. */
  from?: RecordPosition[];
}

/**
 * Reads `topics` from where the group stands (the beginning for a new group), or from `from`, up to
 * the end offsets they had when the call began, handing each record to `handle` in partition order.
 * A failing `handle` or a crashed consumer ends the read with that error rather than a retry without
 * end. Resolves with how many records were handled.
 */
export async function readToEnd(kafka: Kafka, { topics, group, from = [] }: ReadToEndOptions, handle: (record: ReadRecord) => Promise<void>): Promise<number> {
  if ('cursor' in group) return readInGroup(kafka, group.cursor, true, topics, from, handle);
  const groupId = `${group.throwaway}-${randomUUID()}`;
  let handled: number;
  try {
    handled = await readInGroup(kafka, groupId, false, topics, from, handle);
  } catch (error) {
    await deleteGroup(kafka, groupId).catch(() => undefined);
    throw error;
  }
  await deleteGroup(kafka, groupId);
  return handled;
}

async function readInGroup(
  kafka: Kafka,
  groupId: string,
  commit: boolean,
  topics: string[],
  from: RecordPosition[],
  handle: (record: ReadRecord) => Promise<void>,
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  /** The next offset to read, per `topic[partition]` still short of its end. */
  const unread = new Map<string, bigint>();
  const ends = new Map<string, bigint>();
  try {
    for (const { topic, partition, committed, end } of await consumerGroupLag(admin, groupId, { topics })) {
      const start = from.find((position) => position.topic === topic && position.partition === partition)?.offset;
      const next = start === undefined ? BigInt(committed) : BigInt(start);
      if (next >= BigInt(end)) continue;
      unread.set(`${topic}[${partition}]`, next);
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
            // A restarted consumer may see records again, and one sought to `from` may see earlier ones first: `unread` knows where to begin.
            if (next === undefined || BigInt(message.offset) < next) return;
            try {
              await handle({ topic, partition, offset: message.offset, message });
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
        .then(() => {
          for (const { topic, partition, offset } of from) if (unread.has(`${topic}[${partition}]`)) consumer.seek({ topic, partition, offset });
        })
        .catch(reject);
    });
    return handled;
  } finally {
    await consumer.disconnect();
  }
}

/** A throwaway group that never committed may already be gone once its only member left. */
async function deleteGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteGroups([groupId]);
  } catch (error) {
    if (!isGroupGone(error)) throw error;
  } finally {
    await admin.disconnect();
  }
}

/** kafkajs's KafkaJSDeleteGroupsError, known by its shape: kafkajs is imported here for its types only. */
function isGroupGone(error: unknown): boolean {
  const { name, groups } = error as { name?: string; groups?: Array<{ error?: { type?: string } }> };
  return name === 'KafkaJSDeleteGroupsError' && Array.isArray(groups) && groups.every((group) => group.error?.type === 'GROUP_ID_NOT_FOUND');
}
