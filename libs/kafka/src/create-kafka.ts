import { Logger } from '@nestjs/common';
import { Kafka, KafkaConfig, logLevel, LogEntry } from 'kafkajs';
import { PlatformConfig } from '@ensemble/config';

const LEVELS: Record<number, 'error' | 'warn' | 'log' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'log',
  [logLevel.DEBUG]: 'debug',
};

/**
 * What a caller may set over the defaults: a probe that asks whether a broker is up wants an answer
 * at once and no log of the refusals it expects (`retry: { retries: 0 }`, `logLevel: logLevel.NOTHING`).
 */
export type KafkaClientOptions = Pick<KafkaConfig, 'connectionTimeout' | 'requestTimeout' | 'retry' | 'logLevel'>;

/**
 * A kafkajs client for the configured brokers that logs through Nest's logger, warnings and up.
 * Built by the platform module once per process (the layer rules let nothing else in the libraries
 * and services import this file), and by the specs and commands of the top layer.
 */
export function createKafka(config: PlatformConfig, clientId: string, options: KafkaClientOptions = {}): Kafka {
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
    ...options,
  });
}
