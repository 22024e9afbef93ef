import { randomUUID } from 'node:crypto';
import { Admin, Consumer, Kafka } from 'kafkajs';
import { ReadRecord } from '@ensemble/kafka';
import { pollUntil } from '@ensemble/retry';

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
    // What was read when the condition first held: later records do not change the answer.
    let met: ReadRecord[] | undefined;
    const consumer: Consumer = this.kafka.consumer({ groupId: `spec-reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          records.push({ topic: this.topic, partition, offset: message.offset, message });
          if (!met && done(records)) met = [...records];
        },
      });
      for (const [partition, offset] of this.marked) consumer.seek({ topic: this.topic, partition, offset });
      return await pollUntil(() => met, { intervalMs: 20, timeoutMs, description: `${this.topic} to receive what the spec waits for` }).catch((error: Error) => {
        throw new Error(`${error.message}, with ${records.length} records read`, { cause: error });
      });
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
