import { Message, Producer } from 'kafkajs';
import { EventCodec, EventNotEncodableError } from '@ensemble/event-codec';
import { EventType, EventTypes } from '@ensemble/events';
import { isRefusedForGood } from '@ensemble/kafka';
import { OutboxDestination, PendingRow, RowNotPublishableError } from '../outbox-destination';

interface TopicMessage {
  topic: string;
  message: Message;
}

/** Events to their Kafka topics: Avro in Confluent's framing, keyed by aggregate, through an idempotent producer with acks=all. */
export class KafkaDestination implements OutboxDestination<TopicMessage> {
  readonly name = 'kafka';

  constructor(
    private readonly producer: Producer,
    private readonly codec: EventCodec,
  ) {}

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  async encode(row: PendingRow, traceparent: string): Promise<TopicMessage> {
    try {
      const value = await this.codec.encode(row.event_type as EventType, row.payload as unknown as EventTypes[EventType]);
      return { topic: row.topic, message: { key: row.aggregate_id, value, headers: { ...row.headers, traceparent } } };
    } catch (error) {
      if (error instanceof EventNotEncodableError) throw new RowNotPublishableError(error.message);
      throw error;
    }
  }

  async send(batch: TopicMessage[]): Promise<void> {
    await this.producer.sendBatch({ acks: -1, topicMessages: byTopic(batch) });
  }

  isRefusedForGood(error: unknown): boolean {
    return isRefusedForGood(error);
  }
}

function byTopic(batch: TopicMessage[]): Array<{ topic: string; messages: Message[] }> {
  const topics = new Map<string, Message[]>();
  for (const { topic, message } of batch) {
    const messages = topics.get(topic);
    if (messages) messages.push(message);
    else topics.set(topic, [message]);
  }
  return [...topics].map(([topic, messages]) => ({ topic, messages }));
}
