import { Kafka } from 'kafkajs';
import { PlatformConfig } from '@ensemble/config';
import { EventCodec } from '@ensemble/event-codec';
import { createEventCodec } from '@ensemble/event-codec/registry-codec';
import { EventCatalogue, loadEventCatalogue } from '@ensemble/events';
import { createKafka } from '@ensemble/kafka/create-kafka';

/**
 * What a process shares with every part of it, built once: the catalogue (read from `schemas/`),
 * the codec (whose registry cache then holds each schema id once per process) and the Kafka client.
 */
export interface PlatformClients {
  catalogue: EventCatalogue;
  codec: EventCodec;
  kafka: Kafka;
}

/** The one place that builds the shared clients: `PlatformModule` for a service, called directly by a CLI. */
export function createPlatformClients(config: PlatformConfig, clientId: string): PlatformClients {
  const catalogue = loadEventCatalogue();
  return {
    catalogue,
    codec: createEventCodec(config.schemaRegistry.url, catalogue),
    kafka: createKafka(config, clientId),
  };
}
