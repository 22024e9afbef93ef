import { PartitionLag } from '@ensemble/kafka';

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** Where the live consumer stands on a partition it owns, as the transport reports it (see `EventTransportEvents.positioned`). */
export interface PartitionPosition extends TopicPartition {
  /** The offset of the next record to apply. */
  next: string;
  /** The partition's end (high watermark) as of the fetch. */
  end: string;
  /**
   * When that next record was written (its Kafka timestamp, in ms), if the consumer holds it. One
   * beyond the records fetched (a fetch is cut short by its size) is dated by the last of them,
   * which it follows, closely in a backlog, until the next fetch brings it.
   */
  nextWrittenAt: number;
}

/** How far behind its partition the instance that owns it is. */
export interface OwnedPartitionLag extends TopicPartition {
  /** Records between the next one to apply and the partition's end. */
  records: number;
  /** The age of the oldest of them; 0 when there are none. */
  seconds: number;
}

interface Standing extends TopicPartition {
  /** The next offset to apply, once this instance has fetched from the partition since it was assigned. */
  next?: number;
  /** The partition's end as of the last fetch that brought records of it: newer than Kafka's answer on a busy partition. */
  end?: number;
  /**
   * When the oldest record not yet applied was written, from the consumer's fetches; for records
   * it has not fetched, when a scrape first saw them there, so that their age is not overstated.
   */
  behindSince?: number;
}

const keyOf = ({ topic, partition }: TopicPartition) => `${topic}[${partition}]`;

/**
 * The partitions this instance's consumer owns and where it stands on each: what its lag is
 * measured from, rather than from the committed offsets alone, so that each partition's lag is
 * told by the one instance that owns it, up to the record it has applied.
 */
export class ConsumerPositions {
  private group?: string;
  private readonly owned = new Map<string, Standing>();

  /** The partitions the consumer owns from now on (none while it rebalances or is stopped): those it no longer owns are forgotten. */
  assign(group: string, partitions: TopicPartition[]): void {
    const kept = partitions.map(({ topic, partition }): Standing => this.owned.get(keyOf({ topic, partition })) ?? { topic, partition });
    this.group = group;
    this.owned.clear();
    for (const standing of kept) this.owned.set(keyOf(standing), standing);
  }

  /** The consumer's group and the topics of the partitions it owns; undefined while it owns none. */
  get ownership(): { group: string; topics: string[] } | undefined {
    if (this.owned.size === 0 || !this.group) return undefined;
    return { group: this.group, topics: [...new Set([...this.owned.values()].map(({ topic }) => topic))] };
  }

  /** The consumer fetched from a partition or committed a chunk of it; a partition it no longer owns is ignored. */
  moved(position: PartitionPosition): void {
    const standing = this.owned.get(keyOf(position));
    if (!standing) return;
    standing.next = Number(position.next);
    standing.end = Math.max(Number(position.end), standing.end ?? 0);
    standing.behindSince = standing.next < standing.end ? position.nextWrittenAt : undefined;
  }

  /**
   * The lag of every owned partition among `partitions` (each with the group's committed offset and
   * the partition's end, as Kafka told them lately): from the later of the position the consumer has
   * applied and the committed offset (the only one where it has fetched nothing since it was
   * assigned: an idle partition), to the later of that end and the one its last fetch saw.
   */
  lag(partitions: PartitionLag[], now: number): OwnedPartitionLag[] {
    const lags: OwnedPartitionLag[] = [];
    for (const { topic, partition, committed, end } of partitions) {
      const standing = this.owned.get(keyOf({ topic, partition }));
      if (!standing) continue;
      // Never behind the committed offset: after a re-join, another member may have moved the partition on.
      const records = Math.max(0, Math.max(end, standing.end ?? 0) - Math.max(standing.next ?? committed, committed));
      if (records === 0) standing.behindSince = undefined;
      else standing.behindSince ??= now;
      lags.push({ topic, partition, records, seconds: records === 0 ? 0 : Math.max(0, now - standing.behindSince!) / 1_000 });
    }
    return lags;
  }
}
