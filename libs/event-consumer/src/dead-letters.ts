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
  await readToEnd(kafka, { topics: [failureTopics(service).deadLetter], group: { throwaway: `${service}.dead-letter-list` } }, async ({ message }) => {
    letters.push({
      offset: message.offset,
      headers: headersAsStrings(message.headers),
    });
  });
  return letters;
}

export interface Redrive {
  /** Sent back through the first retry topic. */
  redriven: number;
  /** Left where they are: stubs, which have no value to send, and records that the service did not sign, which it never wrote. */
  refused: number;
}

/**
 * Sends the dead letters not redriven before back to the service's first retry topic, due at once
 * and with their attempts reset, once their cause is fixed. Only dead letters the service wrote
 * itself (signed with its key) are redriven: one forged onto the topic would otherwise be signed
 * here and applied. Only this service sees them again; its inbox absorbs any that it had applied
 * after all.
 */
export async function redriveDeadLetters(kafka: Kafka, service: ServiceName, signer: RetrySigner): Promise<Redrive> {
  const { retries, deadLetter } = failureTopics(service);
  const producer = createOrderedProducer(kafka);
  await producer.connect();
  const redrive: Redrive = { redriven: 0, refused: 0 };
  try {
    await readToEnd(kafka, { topics: [deadLetter], group: { cursor: `${service}.dead-letter-redrive` } }, async ({ message }) => {
      const letter = { key: message.key, value: message.value, headers: headersAsStrings(message.headers) };
      if (message.value === null || !signer.verify({ topic: deadLetter, ...letter })) {
        redrive.refused++;
        return;
      }
      const headers: Record<string, string> = { ...letter.headers, [FAILURE_HEADERS.attempts]: '0', [FAILURE_HEADERS.retryAt]: String(Date.now()) };
      headers[FAILURE_HEADERS.signature] = signer.sign({ topic: retries[0], headers, key: message.key, value: message.value });
      await producer.send({ topic: retries[0], acks: -1, messages: [{ key: message.key, value: message.value, headers }] });
      redrive.redriven++;
    });
    return redrive;
  } finally {
    await producer.disconnect();
  }
}
