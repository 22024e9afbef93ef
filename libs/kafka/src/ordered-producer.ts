import { Kafka, Partitioners, Producer } from 'kafkajs';

/**
 * The producer for records whose order and uniqueness matter: idempotent (acks=all, retries never
 * duplicate) with one request in flight, so that a retried batch cannot overtake the next one.
 */
export function createOrderedProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
}
