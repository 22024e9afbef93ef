import { Kafka } from 'kafkajs';
import { EventCodec } from '@ensemble/event-codec';
import { createOrderedProducer } from '@ensemble/kafka';
import { paymentCompletedEvent } from '@ensemble/testing';

export const PAYMENTS_TOPIC = 'payments.payment-completed';

/** Appends `events` PaymentCompleted records straight to the topic (no POST, no outbox): a backlog for the consumers to work off. */
export async function producePaymentBacklog(kafka: Kafka, codec: EventCodec, events: number): Promise<void> {
  const producer = createOrderedProducer(kafka);
  await producer.connect();
  try {
    for (let sent = 0; sent < events; sent += 1_000) {
      const messages = await Promise.all(
        Array.from({ length: Math.min(1_000, events - sent) }, async () => {
          const event = paymentCompletedEvent();
          return { key: event.paymentId, value: await codec.encode('PaymentCompleted', event) };
        }),
      );
      await producer.send({ topic: PAYMENTS_TOPIC, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
}
