import { randomUUID } from 'node:crypto';
import { Admin, Consumer, Kafka } from 'kafkajs';
import { ReadRecord } from '@ensemble/kafka';

/**
 * Reads what a topic received after a mark: `mark()` takes the end offset of every partition, and
 * `readUntil` consumes from there in a fresh consumer group until the condition holds.
 */
export class TopicReader {
  private marked = new Map<number, string>();

  constructor(
    private readonly kafka: Kafka,
    readonly topic: string,
  ) {}

  async mark(): Promise<void> {
    this.marked = await this.endOffsets();
  }

  /** Records appended since the mark, by counting offsets (no consumer needed). */
  async countSinceMark(): Promise<number> {
    const ends = await this.endOffsets();
    return [...ends].reduce((sum, [partition, end]) => sum + Number(end) - Number(this.marked.get(partition) ?? 0), 0);
  }

  async readUntil(done: (records: ReadRecord[]) => boolean, timeoutMs = 30_000): Promise<ReadRecord[]> {
    const records: ReadRecord[] = [];
    const consumer: Consumer = this.kafka.consumer({ groupId: `spec-reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
      let finish!: () => void;
      const finished = new Promise<void>((resolve) => (finish = resolve));
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          records.push({ topic: this.topic, partition, offset: message.offset, message });
          if (done(records)) finish();
        },
      });
      for (const [partition, offset] of this.marked) consumer.seek({ topic: this.topic, partition, offset });
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, timeoutMs, 'timeout').unref());
      if ((await Promise.race([finished, timeout])) === 'timeout') {
        throw new Error(`${this.topic}: condition not met after ${timeoutMs} ms with ${records.length} records read`);
      }
      return records;
    } finally {
      await consumer.disconnect();
    }
  }

  private async endOffsets(): Promise<Map<number, string>> {
    const admin: Admin = this.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(this.topic);
      return new Map(offsets.map(({ partition, high }) => [partition, high]));
    } finally {
      await admin.disconnect();
    }
  }
}
