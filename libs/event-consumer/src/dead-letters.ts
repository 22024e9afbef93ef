import { randomUUID } from 'node:crypto';
import { IHeaders, Kafka } from 'kafkajs';
import { ServiceName } from '@ensemble/config';
import { createOrderedProducer, headersAsStrings, readToEnd } from '@ensemble/kafka';
import { FAILURE_HEADERS, failureTopics } from './failure-topics';

export interface DeadLetter {
  offset: string;
  headers: Record<string, string>;
}

/** Every dead letter of the service, oldest first, with the headers that say where it came from and why. */
export async function listDeadLetters(kafka: Kafka, service: ServiceName): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  await readToEnd(kafka, { groupId: `${service}.dead-letter-list-${randomUUID()}`, topics: [failureTopics(service).deadLetter], commit: false }, async (_topic, _partition, message) => {
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
    return await readToEnd(kafka, { groupId: `${service}.dead-letter-redrive`, topics: [deadLetter], commit: true }, async (_topic, _partition, message) => {
      const headers: IHeaders = { ...message.headers, [FAILURE_HEADERS.attempts]: '0', [FAILURE_HEADERS.retryAt]: String(Date.now()) };
      await producer.send({ topic: retry, acks: -1, messages: [{ key: message.key, value: message.value, headers }] });
    });
  } finally {
    await producer.disconnect();
  }
}
