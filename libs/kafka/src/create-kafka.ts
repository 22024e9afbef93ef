import { Logger } from '@nestjs/common';
import { Kafka, logLevel, LogEntry, Partitioners, Producer } from 'kafkajs';
import { PlatformConfig } from '@ensemble/config';

const LEVELS: Record<number, 'error' | 'warn' | 'log' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'log',
  [logLevel.DEBUG]: 'debug',
};

/** Injection token of the process's one Kafka client, which the platform module builds with {@link createKafka}. */
export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');

/** A kafkajs client for the configured brokers that logs through Nest's logger, warnings and up. */
export function createKafka(config: PlatformConfig, clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: config.kafka.brokers,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, ...extra } = log;
        new Logger(`kafkajs:${namespace}`)[LEVELS[level] ?? 'log'](`${message} ${JSON.stringify(extra)}`);
      },
  });
}

/**
 * The producer for records whose order and uniqueness matter: idempotent (acks=all, retries never
 * duplicate) with one request in flight, so that a retried batch cannot overtake the next one.
 */
export function createOrderedProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
}
