import { randomUUID } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { ServiceName } from '@ensemble/config';
import { createOrderedProducer, headersAsStrings, readToEnd } from '@ensemble/kafka';
import { FAILURE_HEADERS, failureTopics } from './failure-topics';
import { RetrySigner } from './retry-signer';

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
 * Sends the dead letters not redriven before back to the service's first retry topic, due at once
 * and with their attempts reset, once their cause is fixed. A stub (a record that could not be
 * rerouted whole) has no value to redrive and stays where it is. Only this service sees them again; its inbox
 * absorbs any that it had applied after all. Returns how many were redriven.
 */
export async function redriveDeadLetters(kafka: Kafka, service: ServiceName, signer: RetrySigner): Promise<number> {
  const { retries, deadLetter } = failureTopics(service);
  const producer = createOrderedProducer(kafka);
  await producer.connect();
  try {
    let redriven = 0;
    await readToEnd(kafka, { groupId: `${service}.dead-letter-redrive`, topics: [deadLetter], commit: true }, async (_topic, _partition, message) => {
      if (message.value === null) return;
      redriven++;
      const headers: Record<string, string> = { ...headersAsStrings(message.headers), [FAILURE_HEADERS.attempts]: '0', [FAILURE_HEADERS.retryAt]: String(Date.now()) };
      headers[FAILURE_HEADERS.signature] = signer.sign({ headers, key: message.key, value: message.value });
      await producer.send({ topic: retries[0], acks: -1, messages: [{ key: message.key, value: message.value, headers }] });
    });
    return redriven;
  } finally {
    await producer.disconnect();
  }
}
