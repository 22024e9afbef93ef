import { Admin } from 'kafkajs';

export interface CommittedOffset {
  topic: string;
  partition: number;
  /** The next record the group will read on the partition; undefined when it has committed none there. */
  committed: number | undefined;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** The next record the group will read: its committed offset, or the partition's first offset when it has committed none. */
  committed: number;
  /** The partition's end offset (high watermark). */
  end: number;
  /** Records the group has not yet committed past. */
  lag: number;
}

export type TopicEnds = (topic: string) => Promise<Array<{ partition: number; low: string; high: string }>>;

/**
 * A consumer group's committed offsets, on every partition of `topics` (by default the topics it
 * has committed on). Kafka answers -1 where nothing is committed; this is the one place that reads it.
 */
export async function committedOffsets(admin: Admin, groupId: string, topics?: string[]): Promise<CommittedOffset[]> {
  const answer = await admin.fetchOffsets(topics ? { groupId, topics } : { groupId });
  return answer.flatMap(({ topic, partitions }) =>
    partitions.map(({ partition, offset }) => ({ topic, partition, committed: Number(offset) >= 0 ? Number(offset) : undefined })),
  );
}

/**
 * Where a consumer group stands against the end of every partition of `topics` (by default the
 * topics it has committed on, and those of `alsoTopics` it has not). `topicEnds` lets a caller that
 * asks about several groups at once fetch each topic's end offsets only once.
 */
export async function consumerGroupLag(
  admin: Admin,
  groupId: string,
  { topics, alsoTopics = [], topicEnds = (topic) => admin.fetchTopicOffsets(topic) }: { topics?: string[]; alsoTopics?: string[]; topicEnds?: TopicEnds } = {},
): Promise<PartitionLag[]> {
  const committed = await committedOffsets(admin, groupId, topics);
  const lags: PartitionLag[] = [];
  for (const topic of topics ?? new Set([...committed.map((entry) => entry.topic), ...alsoTopics])) {
    for (const { partition, low, high } of await topicEnds(topic)) {
      const next = committed.find((entry) => entry.topic === topic && entry.partition === partition)?.committed ?? Number(low);
      lags.push({ topic, partition, committed: next, end: Number(high), lag: Math.max(0, Number(high) - next) });
    }
  }
  return lags;
}
