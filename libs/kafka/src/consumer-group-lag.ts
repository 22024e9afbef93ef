import { Admin } from 'kafkajs';

export interface PartitionLag {
  topic: string;
  partition: number;
  /** The group's committed offset: the next record it will read (0 when it has committed none on this partition). */
  committed: number;
  /** The partition's end offset (high watermark). */
  end: number;
  /** Records the group has not yet committed past. */
  lag: number;
}

export type TopicEnds = (topic: string) => Promise<Array<{ partition: number; high: string }>>;

/**
 * Where a consumer group stands on every partition of every topic it has committed on. `topicEnds`
 * lets a caller that asks about several groups at once fetch each topic's end offsets only once.
 */
export async function consumerGroupLag(admin: Admin, groupId: string, topicEnds: TopicEnds = (topic) => admin.fetchTopicOffsets(topic)): Promise<PartitionLag[]> {
  const lags: PartitionLag[] = [];
  for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
    for (const { partition, high } of await topicEnds(topic)) {
      const committed = Math.max(0, Number(partitions.find((entry) => entry.partition === partition)?.offset ?? -1));
      lags.push({ topic, partition, committed, end: Number(high), lag: Math.max(0, Number(high) - committed) });
    }
  }
  return lags;
}
